/**
 * Bundles the Lambda handlers of `handlers/` with esbuild at synth time. The stack
 * consumes handlers only through these bundles, never by importing them.
 *
 * All handlers are built in one esbuild call (each synchronous call starts the esbuild
 * binary anew). Each bundle is `index.js` + `index.js.map`, built as if in
 * `<project>/cdktf.out/bundles/<name>/` so the source maps' relative paths are the same
 * in every checkout, and packed into a deterministic zip: same sources, same bytes.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { zipSync } from "./deterministic-zip";
import { basename, dirname, join, resolve } from "node:path";
import { buildSync, version as ESBUILD_VERSION, type BuildOptions } from "esbuild";
import { recordBundles, reusableBundles } from "./bundle-reuse";

/** Lambda runtime the bundles target; esbuild's target follows it. */
export const LAMBDA_RUNTIME = "nodejs22.x";
const ESBUILD_TARGET = "node22";

const PROJECT_ROOT = resolve(__dirname, "..");
const HANDLERS_DIR = join(PROJECT_ROOT, "handlers");
const BUNDLES_DIR = join(PROJECT_ROOT, "cdktf.out", "bundles");

export interface HandlerBundle {
  /** The Lambda deployment package: a zip of `index.js` and `index.js.map`. */
  readonly zipFile: string;
  /** Hex SHA-256 of the zip: stable across synths and checkouts. */
  readonly hash: string;
  /** Lambda `handler` setting. */
  readonly handler: string;
}

let bundles: Map<string, HandlerBundle> | undefined;

/**
 * The bundle of `handlers/<name>.ts` (minified, with source map).
 * @throws Error naming the handler file when it does not exist or esbuild fails.
 */
export function bundleHandler(name: string): HandlerBundle {
  bundles ??= bundleAllHandlers();
  const bundle = bundles.get(name);
  if (!bundle) {
    throw new Error(`bundleHandler: handlers/${name}.ts does not exist (handlers: ${[...bundles.keys()].join(", ")})`);
  }
  return bundle;
}

function bundleAllHandlers(): Map<string, HandlerBundle> {
  const names = existsSync(HANDLERS_DIR) ? readdirSync(HANDLERS_DIR).filter((f) => /^[a-z][a-z0-9-]*\.ts$/.test(f)).map((f) => f.slice(0, -3)) : [];
  const options: BuildOptions = {
    entryPoints: Object.fromEntries(names.map((name) => [join(name, "index"), join(HANDLERS_DIR, `${name}.ts`)])),
    outdir: BUNDLES_DIR,
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
    // The nodejs22.x runtime ships the AWS SDK v3: the authorizer's S3 client (loaded only when
    // revocation checking is on) and the trigger's SSM client (on the first machine token only)
    // come from there. Other packages, SDK clients a backend may use included, stay in the
    // bundle, so `npm run local` runs them from any state folder.
    external: ["@aws-sdk/client-s3", "@aws-sdk/client-ssm", "@aws-sdk/client-kms"],
  };
  // Unchanged sources since the last synth: its zips as they are (bundle-reuse.ts).
  const optionsKey = JSON.stringify({ ...options, esbuild: ESBUILD_VERSION });
  const reused = reusableBundles(BUNDLES_DIR, PROJECT_ROOT, names, optionsKey);
  if (reused) return new Map(names.map((name) => [name, { zipFile: join(BUNDLES_DIR, `${name}.zip`), hash: reused.get(name)!, handler: "index.handler" }]));
  let outputs;
  let inputs: string[];
  try {
    const built = buildSync({ ...options, metafile: true, write: false });
    outputs = built.outputFiles;
    inputs = Object.keys(built.metafile.inputs);
  } catch (error) {
    throw new Error(`bundleHandler: esbuild could not bundle handlers/: ${(error as Error).message}`);
  }
  const result = new Map<string, HandlerBundle>();
  mkdirSync(BUNDLES_DIR, { recursive: true });
  for (const name of names) {
    const directory = join(BUNDLES_DIR, name);
    const zip = zipSync(outputs.filter((file) => dirname(file.path) === directory).map((file) => ({ name: basename(file.path), data: file.contents })));
    const zipFile = join(BUNDLES_DIR, `${name}.zip`);
    // Write-then-rename: parallel synths (test workers) never see a half-written package.
    const temporary = `${zipFile}.${process.pid}.tmp`;
    writeFileSync(temporary, zip);
    renameSync(temporary, zipFile);
    result.set(name, { zipFile, hash: createHash("sha256").update(zip).digest("hex"), handler: "index.handler" });
  }
  recordBundles(BUNDLES_DIR, PROJECT_ROOT, inputs, new Map([...result].map(([name, bundle]) => [name, bundle.hash])), optionsKey);
  return result;
}
