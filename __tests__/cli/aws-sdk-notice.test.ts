/**
 * The AWS SDK's NodeVersionSupportWarning stays out of `cbat test-deploy` and `cbat local` (the
 * README says cbat silences it), as for `cbat token` (__tests__/project/node-version.test.ts).
 * Each run creates real SDK clients: test-deploy's own, against an endpoint that refuses
 * connections (it fails fast after the synth); under `cbat local`, a client made the way a
 * handler would make one while the gateway serves (a preloaded module creates it once the start
 * line is printed). On Node 22 and later the SDK has nothing to warn about.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { until } from "../support/npm-run-local";
import { runCli } from "../support/run-cli";
import { PROJECT_ROOT } from "../support/terraform";
import { TestServers } from "../support/test-servers";

const NOTICE = "NodeVersionSupportWarning";
const dir = mkdtempSync(join(tmpdir(), "cbat-sdk-notice-"));
/** As a user has it: the switch not set. */
const UNSET = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "", CHECKPOINT_DISABLE: "1" };
const servers = new TestServers();

afterAll(async () => {
  await servers.close();
  rmSync(dir, { recursive: true, force: true });
});

it("cbat test-deploy creates its SDK clients without the notice", async () => {
  const refused = `http://127.0.0.1:${await servers.closedPort()}`;
  const tmp = mkdtempSync(join(dir, "tmp-")); // the cycle keeps its folder on failure: inside ours
  const result = await runCli(["test-deploy"], { ...UNSET, AWS_ENDPOINT_URL: refused, TMPDIR: tmp });
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(`ECONNREFUSED ${refused.slice("http://".length)}`); // an SDK client did call
  expect(result.stderr).not.toContain(NOTICE);
}, 120_000);

it("cbat local serves with an SDK client created in it, without the notice", async () => {
  const preload = join(dir, "handler-with-sdk-client.js");
  writeFileSync(preload, [
    `const { S3Client } = require(${JSON.stringify(require.resolve("@aws-sdk/client-s3", { paths: [PROJECT_ROOT] }))});`,
    "const write = process.stdout.write.bind(process.stdout);",
    "let made = false;",
    "process.stdout.write = (chunk, ...rest) => {",
    '  if (!made && String(chunk).includes("(started in")) { made = true; new S3Client({ region: "eu-west-1" }); process.stderr.write("sdk client created\\n"); }',
    "  return write(chunk, ...rest);",
    "};",
  ].join("\n"));
  const child = spawn(process.execPath, [join(PROJECT_ROOT, "bin", "cbat.js"), "local", "--dir", join(dir, "local"), "--issuer-port", "0", "--gateway-port", "0"], {
    cwd: PROJECT_ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...UNSET, NODE_OPTIONS: `--require ${preload}` },
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    await until("cbat local started and the client created", () => (output.includes("sdk client created") ? true : undefined), 90);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the SDK emits its warning on a later tick
  } finally {
    process.kill(-child.pid!, "SIGTERM");
    await exited;
  }
  expect(output).not.toContain(NOTICE);
}, 120_000);
