/**
 * Where the package's own files are, run from its TypeScript sources (this repository, through
 * tsx) or from the built JavaScript (`npm run build` → dist/, what an installed package runs).
 *
 * | | from sources | built (dist/) |
 * | --- | --- | --- |
 * | the project (cbat.config.json, cdktf.out) | this repository | the consumer's: the current folder |
 * | the authorizer's and trigger's code | bundled from handlers/ at synth | prebuilt by `build`: dist/bundles/ |
 */
import { existsSync, readFileSync } from "node:fs";
import { extname, join, resolve } from "node:path";

/** True when this is the built package (dist/…/*.js), false when run from the .ts sources. */
export const BUILT = extname(__filename) === ".js";

/** The package's folder: the one with package.json. */
export const PACKAGE_ROOT = resolve(__dirname, BUILT ? "../.." : "..");

/** The package's handler sources (present in this repository, not in the installed package). */
export const PACKAGE_HANDLERS_DIR = join(PACKAGE_ROOT, "handlers");

/** Bundles written by `npm run build` (scripts/build-bundles.ts): <name>/index.js and index.js.map. */
export const PREBUILT_BUNDLES_DIR = join(PACKAGE_ROOT, "dist", "bundles");

/** The project whose config and cdktf.out are used: this repository, or (built) the folder the command runs in. */
export function projectRoot(): string {
  return BUILT ? process.cwd() : PACKAGE_ROOT;
}

/** The package's name and version (package.json): the version goes into the synthesized config. */
export const PACKAGE = JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as { name: string; version: string };

/** True when `build` has prebuilt the handler of this name. */
export function hasPrebuiltBundle(name: string): boolean {
  return BUILT && existsSync(join(PREBUILT_BUNDLES_DIR, name, "index.js"));
}
