/**
 * Step two of `npm run build` (after tsc): prebuilds the package's own handlers (authorizer, token-endpoint,
 * pre-token-generation, and example, the built-in API's backend) into dist/bundles/<name>/
 * index.js + index.js.map, with exactly the esbuild settings a synth from the sources uses, so
 * a consumer's synth needs neither our sources nor esbuild for them and gets the same bytes.
 * Prints each bundle's size and SHA-256 (the same bytes on every build of the same sources).
 */
import { createHash } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundleFolder, PACKAGE_HANDLERS } from "../stacks/handler-bundle";
import { PACKAGE_HANDLERS_DIR, PACKAGE_ROOT, PREBUILT_BUNDLES_DIR } from "../stacks/package-layout";

rmSync(PREBUILT_BUNDLES_DIR, { recursive: true, force: true });
for (const [name, files] of bundleFolder(PACKAGE_HANDLERS_DIR, PACKAGE_HANDLERS, PACKAGE_ROOT)) {
  const directory = join(PREBUILT_BUNDLES_DIR, name);
  mkdirSync(directory, { recursive: true });
  for (const file of files) {
    writeFileSync(join(directory, file.name), file.data);
    console.log(`dist/bundles/${name}/${file.name}  ${file.data.length} bytes  sha256 ${createHash("sha256").update(file.data).digest("hex").slice(0, 16)}…`);
  }
}
