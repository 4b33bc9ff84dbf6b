/**
 * Issue 23 (audit): the package's handlers ship prebuilt, deterministically, and byte-identical
 * to what a synth from the sources makes (CHANGELOG 0.1.0: their source_code_hash does not change
 * when a team moves to the package). `npm run build` runs scripts/build-bundles.ts, which bundles
 * PACKAGE_HANDLERS alone; a synth from the sources bundles every handler of handlers/ in one
 * esbuild call. Both with esbuild run for real (CBAT_BUNDLE_CACHE=off), twice for the build.
 */
import { bundleFolder, PACKAGE_HANDLERS } from "../../stacks/handler-bundle";
import { PACKAGE_HANDLERS_DIR, PACKAGE_ROOT } from "../../stacks/package-layout";

const previous = process.env.CBAT_BUNDLE_CACHE;
beforeAll(() => {
  process.env.CBAT_BUNDLE_CACHE = "off";
});
afterAll(() => {
  if (previous === undefined) delete process.env.CBAT_BUNDLE_CACHE;
  else process.env.CBAT_BUNDLE_CACHE = previous;
});

/** One handler's files by name. */
const filesOf = (built: ReturnType<typeof bundleFolder>, name: string) => Object.fromEntries((built.get(name) ?? []).map((file) => [file.name, Buffer.from(file.data)]));

it("build's bundles are the same bytes on every build, and the same as a synth from the sources makes", () => {
  const build = () => bundleFolder(PACKAGE_HANDLERS_DIR, PACKAGE_HANDLERS, PACKAGE_ROOT); // scripts/build-bundles.ts
  const first = build();
  const second = build();
  const synth = bundleFolder(PACKAGE_HANDLERS_DIR); // bundleHandler's path from the sources: every handler of handlers/
  for (const name of PACKAGE_HANDLERS) {
    const built = filesOf(first, name);
    expect(Object.keys(built).sort()).toEqual(["index.js", "index.js.map"]);
    for (const [file, data] of Object.entries(built)) {
      expect({ name, file, again: filesOf(second, name)[file]?.equals(data) }).toEqual({ name, file, again: true });
      expect({ name, file, synth: filesOf(synth, name)[file]?.equals(data) }).toEqual({ name, file, synth: true });
    }
  }
});
