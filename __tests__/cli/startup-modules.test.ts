/**
 * `cbat` starts without its heavy dependencies: each command loads what it needs when it runs
 * (cli/main.ts). A module count, not a time: what every cbat call and every test that spawns
 * one pays at start.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCa, issueClientCert } from "../support/certificates";

const BIN = join(__dirname, "..", "..", "bin", "cbat.js");
const HEAVY = [/node_modules\/@aws-sdk\//, /node_modules\/(pkijs|asn1js|@peculiar)\//, /node_modules\/cdktf\//, /node_modules\/yaml\//];

let dir: string;
let certificate: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cbat-startup-"));
  certificate = join(dir, "client.pem");
  writeFileSync(certificate, (await issueClientCert(await createCa(), "CN=startup test", "ecdsa")).pem);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The files `cbat <args>` had loaded when it exited. */
function loadedBy(args: string[]): string[] {
  const list = join(dir, "loaded.json");
  const hook = join(dir, "record-loaded.cjs");
  rmSync(list, { force: true });
  writeFileSync(hook, `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(list)}, JSON.stringify(Object.keys(require.cache))));\n`);
  execFileSync(process.execPath, ["--require", hook, BIN, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return JSON.parse(readFileSync(list, "utf8")) as string[];
}

it.each([["--help"], ["fingerprint"], ["decisions", "--help"]])("cbat %s loads no AWS SDK, PKI, cdktf or yaml module", (...args) => {
  const loaded = loadedBy(args[0] === "fingerprint" ? [...args, certificate] : args);
  expect(loaded.length).toBeGreaterThan(10); // the hook did record the CLI's own modules
  expect(loaded.filter((file) => HEAVY.some((heavy) => heavy.test(file)))).toEqual([]);
});

it("loads the Cognito SDK once a command needs it", () => {
  let loaded: string[] = [];
  try {
    // Nothing listens on port 9: the call fails (exit 1) after the SDK has loaded.
    loadedBy(["bind", "--region", "eu-west-1", "--user-pool-id", "eu-west-1_x", "--endpoint", "http://127.0.0.1:9", "--username", "a", "--cert", certificate, "--timeout", "1"]);
  } catch {
    loaded = JSON.parse(readFileSync(join(dir, "loaded.json"), "utf8")) as string[];
  }
  expect(loaded.some((file) => /node_modules\/@aws-sdk\/client-cognito-identity-provider\//.test(file))).toBe(true);
});
