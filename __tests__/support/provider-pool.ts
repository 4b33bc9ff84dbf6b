/**
 * One running AWS provider per jest worker, which the worker's offline terraform commands attach
 * to (TF_REATTACH_PROVIDERS) instead of starting the 700 MB provider binary for each one. It is
 * the same provider binary from the same mirror, so the plans are the same; a validate then costs
 * about half the CPU (the binary's start and its schema are half of every command's cost).
 *
 * globalSetup starts them, globalTeardown stops them. One per worker because a worker runs one
 * terraform command at a time (spawnSync), and a provider holds one configuration at a time.
 * `init` and runs in the background (runAsync) start their own provider. Without a
 * pool (the mirror holds only a zip, a suite runs outside jest's globalSetup, or
 * CBAT_TEST_PROVIDER_POOL=off), terraform starts the provider as usual.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AWS_PROVIDER_VERSION, PROVIDER_MIRROR } from "../../scripts/terraform/offline-terraform";
import { runDir } from "./test-run";

const POOL_FILE = "providers.json";
const START_TIMEOUT_MS = 120_000;
/** The provider's own logs, which debug mode writes at trace level, cost CPU: off. */
const QUIET_PROVIDER = { TF_LOG: "off", TF_LOG_PROVIDER: "off", TF_LOG_SDK: "off", TF_LOG_SDK_PROTO: "off", TF_LOG_SDK_MUX: "off", TF_LOG_SDK_HELPER_SCHEMA: "off", TF_LOG_SDK_FRAMEWORK: "off" };

interface PoolEntry {
  readonly pid: number;
  readonly reattach: string;
}

/** The provider binary in the unpacked mirror, or undefined (a packed mirror). */
function providerBinary(): string | undefined {
  const versionDir = join(PROVIDER_MIRROR, "registry.terraform.io", "hashicorp", "aws", AWS_PROVIDER_VERSION);
  if (!existsSync(versionDir)) return undefined;
  for (const platform of readdirSync(versionDir)) {
    const binary = readdirSync(join(versionDir, platform)).find((file) => file.startsWith("terraform-provider-aws"));
    if (binary) return join(versionDir, platform, binary);
  }
  return undefined;
}

async function startProvider(binary: string, logFile: string): Promise<PoolEntry> {
  const out = openSync(logFile, "w");
  // Without AWS_CA_BUNDLE: the provider adds that bundle to a shared HTTP client when it is
  // configured, and fails the second configuration in one process ("unable to add custom RootCAs
  // HTTPClient"). Offline plans call no AWS endpoint, so no bundle is needed.
  const { AWS_CA_BUNDLE: _bundle, ...inherited } = process.env;
  // In its own process group (stopped as one), with a watchdog: when jest goes without its
  // globalTeardown (killed, crashed), the provider goes within seconds instead of idling on.
  const watchdog = `"$0" -debug & provider=$!; while kill -0 ${process.pid} 2>/dev/null && kill -0 $provider 2>/dev/null; do sleep 2; done; kill $provider 2>/dev/null`;
  const child = spawn("sh", ["-c", watchdog, binary], { detached: true, stdio: ["ignore", out, "ignore"], env: { ...inherited, ...QUIET_PROVIDER } });
  closeSync(out);
  child.unref();
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const match = /TF_REATTACH_PROVIDERS='([^']+)'/.exec(readFileSync(logFile, "utf8"));
    if (match) return { pid: child.pid!, reattach: match[1] };
    if (child.exitCode !== null || Date.now() > deadline) {
      stop(child.pid);
      throw new Error(`the AWS provider in ${binary} did not start in debug mode:\n${readFileSync(logFile, "utf8").slice(-2000)}`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
}

/**
 * Starts `count` providers and records them in the run folder. A pool that cannot start is only
 * slower: terraform then starts the provider itself, as without the pool, and the run says why.
 */
export async function startProviderPool(dir: string, count: number): Promise<void> {
  const binary = providerBinary();
  if (!binary || process.env.CBAT_TEST_PROVIDER_POOL === "off") return;
  const started = await Promise.allSettled(Array.from({ length: count }, (_, i) => startProvider(binary, join(dir, `provider-${i + 1}.log`))));
  const failed = started.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failed) {
    for (const result of started) if (result.status === "fulfilled") stop(result.value.pid);
    process.stderr.write(`provider pool off (terraform starts its own provider): ${(failed.reason as Error).message}\n`);
    return;
  }
  writeFileSync(join(dir, POOL_FILE), JSON.stringify(started.map((result) => (result as PromiseFulfilledResult<PoolEntry>).value)));
}

export function stopProviderPool(dir: string): void {
  const file = join(dir, POOL_FILE);
  if (!existsSync(file)) return;
  for (const entry of JSON.parse(readFileSync(file, "utf8")) as PoolEntry[]) stop(entry.pid);
}

function stop(pid: number | undefined): void {
  try {
    if (pid) process.kill(-pid, "SIGTERM");
  } catch {
    // already gone
  }
}

let cached: string | null | undefined;

/** TF_REATTACH_PROVIDERS for this jest worker's provider, or undefined (terraform starts its own). */
export function workerReattach(): string | undefined {
  if (cached !== undefined) return cached ?? undefined;
  const dir = runDir();
  const worker = Number(process.env.JEST_WORKER_ID);
  const file = dir && join(dir, POOL_FILE);
  const entries = file && existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as PoolEntry[]) : [];
  cached = Number.isInteger(worker) && worker >= 1 && worker <= entries.length ? entries[worker - 1].reattach : null;
  return cached ?? undefined;
}

/** The environment that makes a terraform child process use this worker's provider: empty without a pool. */
export function workerReattachEnv(): Record<string, string> {
  const reattach = workerReattach();
  return reattach ? { TF_REATTACH_PROVIDERS: reattach } : {};
}
