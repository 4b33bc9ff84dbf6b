/** bundle-cache.ts with real esbuild: reused while nothing it read changed, built again otherwise. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSync, version, type BuildOptions } from "esbuild";
import { cachedBuild, type BuiltFile } from "../../stacks/bundle-cache";

let root: string;
let builds = 0;
const build = (options: BuildOptions & { metafile: true }) => {
  builds++;
  return buildSync({ ...options, write: false });
};
const options = () => ({ entryPoints: { "hello/index": join(root, "handlers", "hello.ts") }, outdir: join(root, "out"), bundle: true, platform: "node" as const, format: "cjs" as const, absWorkingDir: root, logLevel: "silent" as const });
const bundle = () => cachedBuild(options(), join(root, "cache"), build, version);
const code = (files: BuiltFile[]) => Buffer.from(files.find((file) => file.path.endsWith("index.js"))!.contents).toString("utf8");

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "cbat-bundle-cache-"));
  mkdirSync(join(root, "handlers", "lib"), { recursive: true });
  writeFileSync(join(root, "handlers", "hello.ts"), 'import { greeting } from "./lib/greeting";\nexport const handler = async () => greeting;\n');
  writeFileSync(join(root, "handlers", "lib", "greeting.ts"), 'export const greeting = "hello one";\n');
  builds = 0;
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  delete process.env.CBAT_BUNDLE_CACHE;
});

it("reuses the output while no input changed, byte for byte", () => {
  const first = bundle();
  const second = bundle();
  expect(builds).toBe(1);
  expect(second.map((file) => [file.path, Buffer.from(file.contents)])).toEqual(first.map((file) => [file.path, Buffer.from(file.contents)]));
  expect(code(second)).toContain("hello one");
});

it("builds again when a file it bundled changes", () => {
  bundle();
  writeFileSync(join(root, "handlers", "lib", "greeting.ts"), 'export const greeting = "hello two";\n');
  const changed = bundle();
  expect(builds).toBe(2);
  expect(code(changed)).toContain("hello two");
  expect(code(changed)).not.toContain("hello one");
});

it("builds again when a new file can change what an import resolves to", () => {
  bundle();
  // esbuild resolves ./lib/greeting to .tsx before .ts
  writeFileSync(join(root, "handlers", "lib", "greeting.tsx"), 'export const greeting = "hello tsx";\n');
  expect(code(bundle())).toContain("hello tsx");
  expect(builds).toBe(2);
});

it("builds again when the project's package-lock.json changes", () => {
  bundle();
  writeFileSync(join(root, "package-lock.json"), '{"lockfileVersion": 3}\n');
  bundle();
  expect(builds).toBe(2);
});

it("builds every time with CBAT_BUNDLE_CACHE=off", () => {
  process.env.CBAT_BUNDLE_CACHE = "off";
  bundle();
  bundle();
  expect(builds).toBe(2);
});
