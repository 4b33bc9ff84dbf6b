/**
 * Bundles one Lambda handler from `handlers/` with esbuild at synth time.
 * The stack consumes handlers only through these bundles, never by importing them.
 *
 * Output goes to `<project>/cdktf.out/bundles/<name>/` so that the source map's relative
 * paths, and so the bundle hash, are the same in every checkout folder.
 */
import { createHash } from "node:crypto";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { buildSync } from "esbuild";

/** Lambda runtime the bundles target; esbuild's target follows it. */
export const LAMBDA_RUNTIME = "nodejs22.x";
const ESBUILD_TARGET = "node22";

const PROJECT_ROOT = resolve(__dirname, "..");
const HANDLERS_DIR = join(PROJECT_ROOT, "handlers");
const BUNDLES_DIR = join(PROJECT_ROOT, "cdktf.out", "bundles");

export interface HandlerBundle {
  /** Directory holding `index.js` and `index.js.map`, ready to zip. */
  readonly directory: string;
  /** Hex SHA-256 over the bundle and its source map: stable across synths and checkouts. */
  readonly hash: string;
  /** Lambda `handler` setting. */
  readonly handler: string;
}

const cache = new Map<string, HandlerBundle>();

/**
 * Bundles `handlers/<name>.ts` (minified, with source map) and returns where it is.
 * @throws Error naming the handler file when esbuild fails.
 */
export function bundleHandler(name: string): HandlerBundle {
  const cached = cache.get(name);
  if (cached) return cached;
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`bundleHandler: "${name}" is not a handler name (lowercase, dashes)`);
  const entry = join(HANDLERS_DIR, `${name}.ts`);
  const directory = join(BUNDLES_DIR, name);
  const outfile = join(directory, "index.js");
  let outputs;
  try {
    outputs = buildSync({
      entryPoints: [entry],
      outfile,
      bundle: true,
      minify: true,
      sourcemap: true,
      platform: "node",
      target: ESBUILD_TARGET,
      format: "cjs",
      legalComments: "none",
      logLevel: "silent",
      absWorkingDir: PROJECT_ROOT,
      // Keep node_modules paths as seen from the project, even through a symlinked node_modules.
      preserveSymlinks: true,
      write: false,
    }).outputFiles;
  } catch (error) {
    throw new Error(`bundleHandler: esbuild could not bundle handlers/${name}.ts: ${(error as Error).message}`);
  }
  const hash = createHash("sha256");
  mkdirSync(directory, { recursive: true });
  for (const file of [...outputs].sort((a, b) => a.path.localeCompare(b.path))) {
    hash.update(file.contents);
    // Write-then-rename: parallel synths (test workers) never see a half-written bundle.
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
  const bundle: HandlerBundle = { directory, hash: hash.digest("hex"), handler: "index.handler" };
  cache.set(name, bundle);
  return bundle;
}
