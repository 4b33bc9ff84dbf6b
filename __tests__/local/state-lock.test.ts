/**
 * One `npm run local` per state folder, with real `npm run local` processes: a second one on
 * the same folder is refused at once, naming the first, and leaves its files alone; other
 * folders run side by side; a lock left by a killed instance is taken over, with a note.
 */
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LOCK_FILE } from "../../local/state-lock";
import { mtlsRequest } from "../support/mtls-client";
import { npmRunLocal, running, stopAllLocal, until, type LocalProcess } from "../support/npm-run-local";

/** The exit code, or a failure when the process is still running after `seconds`. */
async function exitCodeWithin(local: LocalProcess, seconds: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${seconds} s:\n${local.output()}`)), seconds * 1000);
  });
  try {
    return await Promise.race([local.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const lockOf = (dir: string) => JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8")) as { pid: number; gatewayUrl?: string };
const summaryOf = (dir: string) => JSON.parse(readFileSync(join(dir, "stack.json"), "utf8")) as { gatewayUrl: string; issuerEndpoint: string; userPoolId: string; pki: Record<string, string> };
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The instance answers: its issuer serves the JWKS and its gateway completes a mutual-TLS call (401 without a token). */
async function serves(dir: string): Promise<void> {
  const summary = summaryOf(dir);
  expect((await fetch(`${summary.issuerEndpoint}/${summary.userPoolId}/.well-known/jwks.json`)).status).toBe(200);
  const { pki } = summary;
  expect((await mtlsRequest({ url: `${summary.gatewayUrl}/example`, cert: pki.client, key: pki.clientKey, ca: pki.ca })).status).toBe(401);
}

afterAll(stopAllLocal);

const dir = join(mkdtempSync(join(tmpdir(), "cbat-lock-")), "state");
let first: LocalProcess;

it("refuses a second instance on the same folder at once, naming the first's pid and gateway, and leaves its files alone", async () => {
  first = npmRunLocal(dir);
  await running(first);
  expect(first.output()).not.toContain("NodeVersionSupportWarning");
  const lock = lockOf(dir);
  const summary = summaryOf(dir);
  expect(lock.gatewayUrl).toBe(summary.gatewayUrl);
  expect(readFileSync(`/proc/${lock.pid}/cmdline`, "utf8")).toMatch(/local\/main\.ts|cbat\.js[\0 ]local/); // the pid is the instance itself (npm run local is cbat local)
  const before = { bytes: readFileSync(join(dir, "stack.json")), mtime: statSync(join(dir, "stack.json")).mtimeMs };

  const second = npmRunLocal(dir);
  expect(await exitCodeWithin(second, 20)).toBe(1);
  expect(second.output()).toContain(`in use by another local environment (pid ${lock.pid}, gateway ${summary.gatewayUrl}`);
  expect(second.output()).toContain(`kill ${lock.pid}`);
  expect(second.output()).not.toContain("Local certificate-bound API is running");

  expect(readFileSync(join(dir, "stack.json")).equals(before.bytes)).toBe(true);
  expect(statSync(join(dir, "stack.json")).mtimeMs).toBe(before.mtime);
  expect(lockOf(dir).pid).toBe(lock.pid);
  await serves(dir); // the first one's clients keep working
}, 180_000);

it("runs instances on different folders side by side", async () => {
  const otherDir = join(mkdtempSync(join(tmpdir(), "cbat-lock-other-")), "state");
  const other = npmRunLocal(otherDir);
  await running(other);
  await serves(otherDir);
  await serves(dir);
  expect(summaryOf(otherDir).gatewayUrl).not.toBe(summaryOf(dir).gatewayUrl);
  process.kill(-other.child.pid!, "SIGTERM");
  await other.exited;
  expect(existsSync(join(otherDir, LOCK_FILE))).toBe(false); // a clean stop releases the folder
}, 180_000);

it("takes over the lock of an instance that was killed, with a note", async () => {
  const killed = lockOf(dir).pid;
  process.kill(killed, "SIGKILL"); // no chance to release the lock
  await first.exited;
  await until("the killed instance is gone", () => (isAlive(killed) ? undefined : true), 10);
  expect(lockOf(dir).pid).toBe(killed); // the stale lock is still there

  const next = npmRunLocal(dir);
  await running(next);
  expect(next.output()).toContain(`took over the lock of a local environment that is gone (pid ${killed}`);
  expect(lockOf(dir).pid).not.toBe(killed);
  await serves(dir);
}, 180_000);
