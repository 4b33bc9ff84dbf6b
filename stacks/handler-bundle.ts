/**
 * The Lambda packages of the stack's handlers. The stack consumes handlers only through
 * these bundles, never by importing them.
 *
 * - The package's own handlers (authorizer, pre-token-generation, and example, the built-in
 *   API's backend) come prebuilt with the built package (`npm run build`, dist/bundles/), so a
 *   consumer's synth needs neither their sources nor esbuild; run from this repository's
 *   sources they are bundled from handlers/ at synth, with the same options, to the same bytes.
 * - A team's own `x-cbat-handler`s are bundled at synth from their folder (`api.handlersDir`).
 *
 * All handlers of a folder are built in one esbuild call (each synchronous call starts the
 * esbuild binary anew). Each bundle is `index.js` + `index.js.map`, built as if in
 * `<project>/cdktf.out/bundles/<name>/` so the source maps' relative paths are the same in
 * every checkout, and packed into a deterministic zip: same sources, same bytes. Extra files
 * (e.g. per-stack data next to the code) go into the same zip.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { BuildOptions } from "esbuild";
import { cachedBuild, type BuiltFile } from "./bundle-cache";
import { zipSync, type ZipEntry } from "./deterministic-zip";
import { BUILT, hasPrebuiltBundle, PACKAGE_HANDLERS_DIR, PACKAGE_ROOT, PREBUILT_BUNDLES_DIR, projectRoot } from "./package-layout";

/** Lambda runtime the bundles target; esbuild's target follows it. */
export const LAMBDA_RUNTIME = "nodejs22.x";
const ESBUILD_TARGET = "node22";

/** The package's handlers that `build` prebuilds. */
export const PACKAGE_HANDLERS = ["authorizer", "pre-token-generation", "token-endpoint", "example"] as const;

export interface HandlerBundle {
  /** The Lambda deployment package: a zip of `index.js`, `index.js.map` and any extra files. */
  readonly zipFile: string;
  /** Hex SHA-256 of the zip: stable across synths and checkouts. */
  readonly hash: string;
  /** Lambda `handler` setting. */
  readonly handler: string;
}

export interface BundleHandlerOptions {
  /**
   * Folder of the handler's source `<name>.ts` (absolute).
   * @default the package's own handlers (prebuilt when the package is built)
   */
  readonly handlersDir?: string;
  /** Files added to the zip next to index.js (names without folders). @default none */
  readonly extraFiles?: readonly ZipEntry[];
}

/** Bundled code of one handler: index.js and index.js.map. */
type BundleFiles = readonly ZipEntry[];

const builtFolders = new Map<string, Map<string, BundleFiles>>();

/**
 * The Lambda package of `<handlersDir>/<name>.ts` (minified, with source map).
 * @throws Error naming the handler file when it does not exist or esbuild fails.
 */
export function bundleHandler(name: string, options: BundleHandlerOptions = {}): HandlerBundle {
  const folder = options.handlersDir === undefined ? PACKAGE_HANDLERS_DIR : resolve(options.handlersDir);
  const files = folder === PACKAGE_HANDLERS_DIR && hasPrebuiltBundle(name) ? prebuiltFiles(name) : bundledFiles(folder, name);
  const extra = options.extraFiles ?? [];
  for (const file of extra) {
    if (!/^[\w.-]+$/.test(file.name) || files.some((f) => f.name === file.name)) throw new Error(`bundleHandler ${name}: extra file name "${file.name}" must be a plain file name other than ${files.map((f) => f.name).join(", ")}`);
  }
  const zip = zipSync([...files, ...extra]);
  const hash = createHash("sha256").update(zip).digest("hex");
  // One folder per handlers folder (names may repeat across folders); the hash keeps variants with other extra files apart.
  const directory = join(projectRoot(), "cdktf.out", "bundles", folder === PACKAGE_HANDLERS_DIR ? "" : `handlers-${createHash("sha256").update(folder).digest("hex").slice(0, 12)}`);
  const zipFile = join(directory, extra.length === 0 ? `${name}.zip` : `${name}-${hash.slice(0, 12)}.zip`);
  mkdirSync(directory, { recursive: true });
  // Write-then-rename: parallel synths (test workers) never see a half-written package.
  const temporary = `${zipFile}.${process.pid}.tmp`;
  writeFileSync(temporary, zip);
  renameSync(temporary, zipFile);
  return { zipFile, hash, handler: "index.handler" };
}

function prebuiltFiles(name: string): BundleFiles {
  const directory = join(PREBUILT_BUNDLES_DIR, name);
  return ["index.js", "index.js.map"].map((file) => ({ name: file, data: readFileSync(join(directory, file)) }));
}

function bundledFiles(folder: string, name: string): BundleFiles {
  let built = builtFolders.get(folder);
  if (!built) {
    built = bundleFolder(folder);
    builtFolders.set(folder, built);
  }
  const files = built.get(name);
  if (!files) {
    const shown = folder === PACKAGE_HANDLERS_DIR ? `handlers/${name}.ts` : join(folder, `${name}.ts`);
    const hint = folder === PACKAGE_HANDLERS_DIR && BUILT ? "; the package's handlers are prebuilt by `npm run build`: build it again" : "";
    throw new Error(`bundleHandler: ${shown} does not exist (handlers: ${[...built.keys()].join(", ") || "none"})${hint}`);
  }
  return files;
}

/** Handler files of a folder: `<name>.ts` with a lowercase name (helpers go into subfolders). */
export function handlerNames(folder: string): string[] {
  return existsSync(folder) ? readdirSync(folder).filter((f) => /^[a-z][a-z0-9-]*\.ts$/.test(f)).map((f) => f.slice(0, -3)).sort() : [];
}

/**
 * esbuild's settings for a folder of handlers; `build` (scripts/build-bundles.ts) uses the same,
 * so a prebuilt bundle is byte-identical to one built at synth from the same sources.
 */
export function bundleBuildOptions(folder: string, names: readonly string[], root: string): BuildOptions & { write: false; absWorkingDir: string } {
  return {
    entryPoints: Object.fromEntries(names.map((name) => [join(name, "index"), join(folder, `${name}.ts`)])),
    outdir: join(root, "cdktf.out", "bundles"),
    bundle: true,
    minify: true,
    sourcemap: true,
    platform: "node",
    target: ESBUILD_TARGET,
    format: "cjs",
    legalComments: "none",
    logLevel: "silent",
    absWorkingDir: root,
    // Keep node_modules paths as seen from the project, even through a symlinked node_modules.
    preserveSymlinks: true,
    // The nodejs22.x runtime ships the AWS SDK v3: the authorizer's S3 client (loaded only when
    // revocation checking is on) and the trigger's SSM client (on the first machine token only)
    // come from there. Other packages, SDK clients a backend may use included, stay in the
    // bundle, so `npm run local` runs them from any state folder.
    external: ["@aws-sdk/client-s3", "@aws-sdk/client-ssm", "@aws-sdk/client-kms"],
    write: false,
  };
}

/** Runs esbuild on a folder; returns each handler's files by name. */
export function bundleFolder(folder: string, names: readonly string[] = handlerNames(folder), root = folder === PACKAGE_HANDLERS_DIR ? PACKAGE_ROOT : projectRoot()): Map<string, BundleFiles> {
  const options = bundleBuildOptions(folder, names, root);
  let outputs: BuiltFile[];
  try {
    // esbuild is loaded only here, and only when its last output for these inputs is not cached
    // (bundle-cache.ts): a synth from prebuilt bundles alone never needs it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const version = (require("esbuild/package.json") as { version: string }).version;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    outputs = cachedBuild(options, join(root, "cdktf.out", "bundles", ".cache"), (withMetafile) => (require("esbuild") as typeof import("esbuild")).buildSync({ ...withMetafile, write: false }), version);
  } catch (error) {
    throw new Error(`bundleHandler: esbuild could not bundle ${folder === PACKAGE_HANDLERS_DIR ? "handlers/" : folder}: ${(error as Error).message}`);
  }
  const result = new Map<string, BundleFiles>();
  for (const name of names) {
    const directory = join(options.outdir!, name);
    result.set(name, outputs.filter((file) => dirname(file.path) === directory).map((file) => ({ name: basename(file.path), data: file.contents })));
  }
  return result;
}
