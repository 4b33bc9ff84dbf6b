/**
 * `cbat init [dir]`: the files of a team's project, exact versions of the package and its peers,
 * a .gitignore that keeps keys, state and var files out, and no overwritten file. (That the
 * project then installs, synthesizes, plans, passes its snapshot test and serves its handler is
 * `npm run test:package`.)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../cli/main";
import { PROJECT_ROOT } from "../support/terraform";

const own = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8"));
let dir: string;
let stdout: jest.SpyInstance;
let stderr: jest.SpyInstance;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cbat-init-"));
  stdout = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
  stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
});
afterEach(() => {
  stdout.mockRestore();
  stderr.mockRestore();
  rmSync(dir, { recursive: true, force: true });
});

it("scaffolds the project: config, API document, a handler, the snapshot test, help, .gitignore", async () => {
  expect(await run(["init", join(dir, "My API")])).toBe(0);
  const project = join(dir, "My API");
  const read = (file: string) => readFileSync(join(project, file), "utf8");
  const manifest = JSON.parse(read("package.json"));
  expect(manifest.name).toBe("my-api");
  expect(manifest.dependencies).toEqual({ [own.name]: own.version, ...own.peerDependencies });
  for (const version of Object.values({ ...manifest.dependencies, ...manifest.devDependencies })) expect(version).toMatch(/^\d+\.\d+\.\d+$/);
  expect(JSON.parse(read("cdktf.json")).app).toBe("node --require tsx/cjs main.ts");
  expect(JSON.parse(read("cbat.config.json")).api).toMatchObject({ openapi: "api/openapi.yaml", handlersDir: "handlers" });
  expect(read("api/openapi.yaml")).toContain("x-cbat-handler: hello");
  expect(read("handlers/hello.ts")).toContain("export async function handler");
  expect(read("__tests__/synth.test.ts")).toContain("toMatchSnapshot");
  expect(read("help")).toContain("npx cbat local");
  const ignored = read(".gitignore").split("\n");
  for (const pattern of [".local/", "cdktf.out/", "*.tfstate", "*.tfstate.*", "*-key.pem", "*.tfvars"]) expect(ignored).toContain(pattern);
  expect(stdout.mock.calls.join("")).toMatch(/created 10 files in .*My API.*\nnext: cd '.*\/My API' && npm install && npm test/);
});

it("never overwrites a file: names the ones in the way and writes nothing", async () => {
  writeFileSync(join(dir, "main.ts"), "// mine\n");
  expect(await run(["init", dir])).toBe(1);
  expect(stderr.mock.calls.join("")).toMatch(/already has main\.ts; cbat init never overwrites a file\n {2}hint: run it in a new folder/);
  expect(readFileSync(join(dir, "main.ts"), "utf8")).toBe("// mine\n");
  expect(() => readFileSync(join(dir, "cbat.config.json"))).toThrow(/ENOENT/);
});
