/**
 * `npm run test:package`: the package as a team uses it, end to end, in a temporary folder.
 *   1. npm pack (its prepack runs `npm run build`);
 *   2. cbat init scaffolds a project;
 *   3. npm install of the tarball there, from the npm cache (--prefer-offline);
 *   4. npx cdktf synth, then npx cbat plan-offline (terraform init from the mirror, offline plan)
 *      and npx cbat plan-summary of that plan;
 *   5. the project's own jest snapshot test (written, then passing with --ci), leaving nothing in the
 *      temporary folder (TMPDIR is one of its own);
 *   6. npx cbat local, and the project's own handler called through the mutual-TLS gateway with a
 *      bound token (npx cbat token, npx cbat call): 200; the same token with another certificate: 401;
 *   7. a change to the project's API document fails the snapshot test, with the diff.
 * Also: nothing in the project reaches into the package's files by path, and the installed
 * package's own `cbat init` writes the same files. Prints each step's time; exit 0 = all passed.
 * `--keep` keeps the temporary folder and says where it is.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";

const ROOT = resolve(__dirname, "..");
const keep = process.argv.includes("--keep");
const work = mkdtempSync(join(tmpdir(), "cbat-package-"));
const project = join(work, "my-api");
/** The team's temporary folder: what their commands leave behind is seen here, and removed with `work`. */
const teamTmp = join(work, "tmp");
mkdirSync(teamTmp);
const started = Date.now();
/** The team's shell: no CBAT_* settings of ours, no cdktf/terraform version check. */
const env: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("CBAT_") && !name.startsWith("npm_"))),
  CHECKPOINT_DISABLE: "1",
  TMPDIR: teamTmp,
};

/** What the project's jest runs left in the temporary folder, besides jest's own cache (jest_*). */
function leftInTmp(before: readonly string[]): string[] {
  return readdirSync(teamTmp).filter((name) => !before.includes(name) && !name.startsWith("jest_"));
}

class StepFailed extends Error {}

function run(command: string, args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env: { ...env, ...extraEnv }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
}

function ok(command: string, args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): string {
  const result = run(command, args, cwd, extraEnv);
  if (result.status !== 0) throw new StepFailed(`${command} ${args.join(" ")} (in ${cwd}) exited ${result.status ?? result.signal}:\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`);
  return result.stdout;
}

function expect(condition: boolean, what: string): void {
  if (!condition) throw new StepFailed(what);
}

async function step<T>(name: string, body: () => T | Promise<T>): Promise<T> {
  const t0 = Date.now();
  const result = await body();
  console.log(`ok  ${name}  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return result;
}

/** Project files a team commits (no dependencies, no generated output). */
function projectFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (["node_modules", "cdktf.out", ".local", "package-lock.json"].includes(name)) return [];
    return statSync(path).isDirectory() ? projectFiles(path, base) : [relative(base, path)];
  });
}

async function main(): Promise<void> {
  const tarball = await step("1. npm pack (build: tsc to dist/, prebuilt handler bundles)", () => {
    const out = ok("npm", ["pack", "--json", "--pack-destination", work], ROOT);
    const [{ filename, files }] = JSON.parse(out.slice(out.indexOf("[\n"))) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const paths = files.map((f) => f.path);
    for (const needed of ["dist/index.js", "dist/index.d.ts", "dist/bundles/authorizer/index.js", "dist/bundles/pre-token-generation/index.js", "bin/cbat.js", "templates/consumer/gitignore", "CHANGELOG.md"]) {
      expect(paths.includes(needed), `the package lacks ${needed}`);
    }
    expect(!paths.some((p) => /^(handlers|stacks|cli|local|__tests__)\//.test(p) || p.endsWith(".test.js")), `the package ships sources or tests: ${paths.filter((p) => /^(handlers|stacks|cli|local|__tests__)\//.test(p)).slice(0, 5).join(", ")}`);
    return join(work, filename.replace(/^@[^/]+\//, "").replace(/\//g, "-"));
  });

  await step("2. cbat init my-api", () => {
    ok(process.execPath, [join(ROOT, "bin", "cbat.js"), "init", project], work);
    for (const file of ["package.json", "cdktf.json", "main.ts", "cbat.config.json", "api/openapi.yaml", "handlers/hello.ts", ".gitignore", "help", "__tests__/synth.test.ts"]) {
      expect(existsSync(join(project, file)), `cbat init did not write ${file}`);
    }
  });

  await step("3. npm install the tarball (from the npm cache)", () => {
    ok("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", tarball], project);
    const installed = JSON.parse(readFileSync(join(project, "node_modules", "cert-bound-access-tokens", "package.json"), "utf8")) as { version: string };
    expect(installed.version === JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version, "the installed package is not this version");
    // The package's handlers are prebuilt: a consumer needs neither our sources nor tsx to run cbat.
    expect(!existsSync(join(project, "node_modules", "cert-bound-access-tokens", "handlers")), "the installed package has handler sources");
  });

  await step("   nothing in the project reaches into the package by path; the installed cbat init writes the same files", () => {
    for (const file of projectFiles(project)) {
      const text = readFileSync(join(project, file), "utf8");
      expect(!/node_modules\/|cert-bound-access-tokens\/|\.\.\/\.\.\//.test(text.replace(/"node_modules\/"|node_modules\/\n/g, "")) || file === ".gitignore", `${file} reaches into a package by path`);
    }
    ok("npx", ["--no-install", "cbat", "init", join(work, "second")], project);
    const first = projectFiles(project).filter((f) => f !== "package.json").sort();
    const second = projectFiles(join(work, "second")).filter((f) => f !== "package.json").sort();
    expect(JSON.stringify(first) === JSON.stringify(second), `the installed cbat init writes other files: ${second.join(", ")}`);
  });

  await step("4. npx cdktf synth", () => {
    ok("npx", ["--no-install", "cdktf", "synth"], project);
    const stack = JSON.parse(readFileSync(join(project, "cdktf.out", "stacks", "cert-bound-api", "cdk.tf.json"), "utf8"));
    expect(Object.values(stack.resource.aws_lambda_function as Record<string, { function_name: string }>).some((f) => f.function_name === "cert-bound-api-hello"), "no function for the project's handler hello");
    expect(/^cert-bound-access-tokens@\d/.test(stack.output.cbat_version.value), "no cbat_version output");
  });

  await step("4. npx cbat plan-offline, npx cbat plan-summary (terraform init from the mirror, offline plan)", () => {
    ok("npx", ["--no-install", "cbat", "plan-offline", "--out", "plan.json"], project);
    const plan = JSON.parse(readFileSync(join(project, "plan.json"), "utf8"));
    expect(plan.output_changes?.cbat_version?.after?.startsWith("cert-bound-access-tokens@") === true, "the plan does not show cbat_version");
    const summary = ok("npx", ["--no-install", "cbat", "plan-summary", "plan.json"], project);
    expect(summary.includes("GET /hello"), "the plan summary does not list GET /hello");
    rmSync(join(project, "plan.json"));
  });

  await step("5. the project's own snapshot test: written, then passing with --ci, leaving no temporary folder", () => {
    const before = readdirSync(teamTmp);
    // --ci=false: CI=true (as in .ci/run) would make jest refuse to write a new snapshot; a team
    // writes it once on a workstation and commits it, which is what this first run stands for.
    const first = run("npx", ["--no-install", "jest", "--ci=false"], project);
    expect(first.status === 0 && /1 snapshot written/.test(first.stderr), `the first jest run did not write the snapshot:\n${first.stderr.slice(-3000)}`);
    ok("npx", ["--no-install", "jest", "--ci"], project);
    const left = leftInTmp(before);
    expect(left.length === 0, `the project's snapshot test left ${left.join(", ")} in the temporary folder`);
  });

  await step("6. npx cbat local: the project's handler through mutual TLS, bound token 200, another certificate 401", async () => {
    const local = spawn("npx", ["--no-install", "cbat", "local", "--issuer-port", "0", "--gateway-port", "0"], { cwd: project, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    local.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    local.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    try {
      const deadline = Date.now() + 60_000;
      while (!output.includes("Local certificate-bound API is running.")) {
        if (local.exitCode !== null || Date.now() > deadline) throw new StepFailed(`cbat local did not start:\n${output.slice(-3000)}`);
        await new Promise((done) => setTimeout(done, 200));
      }
      const summary = JSON.parse(readFileSync(join(project, ".local", "stack.json"), "utf8")) as { gatewayUrl: string; demoUser: string; demoPasswordFile: string; pki: Record<string, string> };
      const token = ok("npx", ["--no-install", "cbat", "token", "--outputs", ".local/stack.json", "--username", summary.demoUser], project, { CBAT_PASSWORD: readFileSync(summary.demoPasswordFile, "utf8") }).trim();
      const call = (cert: string, key: string) => run("npx", ["--no-install", "cbat", "call", `${summary.gatewayUrl}/hello`, "--cert", cert, "--key", key, "--cacert", summary.pki.ca], project, { CBAT_TOKEN: token });
      const bound = call(summary.pki.client, summary.pki.clientKey);
      expect(bound.status === 0 && bound.stdout.startsWith("HTTP 200") && bound.stdout.includes("hello from GET /hello"), `the bound call was not answered by the project's handler:\n${bound.stdout}${bound.stderr}`);
      const other = call(summary.pki.client2, summary.pki.client2Key);
      expect(other.status === 1 && other.stdout.startsWith("HTTP 401") && other.stdout.includes('error="invalid_token"'), `the call with another certificate was not refused with 401:\n${other.stdout}${other.stderr}`);
    } finally {
      if (local.exitCode === null) process.kill(-local.pid!, "SIGTERM");
      await new Promise((done) => (local.exitCode !== null ? done(undefined) : local.once("exit", done)));
    }
  });

  await step("7. a change to the API document fails the snapshot test, with the diff", () => {
    const documentFile = join(project, "api", "openapi.yaml");
    const document = readFileSync(documentFile, "utf8");
    writeFileSync(documentFile, document.replace("paths:\n", "paths:\n  /goodbye:\n    get:\n      operationId: getGoodbye\n      x-cbat-handler: hello\n"));
    const changed = run("npx", ["--no-install", "jest", "--ci"], project);
    writeFileSync(documentFile, document);
    expect(changed.status !== 0, "the snapshot test passed after the API document changed");
    expect(/1 snapshot failed/.test(changed.stderr) && /^\s*\+\s+"GET \/goodbye": \{/m.test(changed.stderr), `the failure does not show the new route in the diff:\n${changed.stderr.slice(-3000)}`);
    console.log(changed.stderr.split("\n").filter((line) => /^\s*[-+] .*goodbye/i.test(line)).slice(0, 4).join("\n"));
  });
}

main()
  .then(() => console.log(`test:package passed in ${((Date.now() - started) / 1000).toFixed(0)} s`))
  .catch((error) => {
    console.error(`test:package FAILED: ${(error as Error).message}`);
    process.exitCode = 1;
  })
  .finally(() => {
    if (keep) console.log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  });
