/**
 * One folder per `npm test` run (made by jest's globalSetup, removed by its globalTeardown):
 * TMPDIR points into it, so every temporary folder a suite or its child processes make goes
 * when the run ends; and `memo` keeps results that several suites need (a synth, a terraform
 * plan) once per run, keyed by a digest of everything that determines them.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

/** Set by globalSetup; absent (a suite run by another runner): nothing is shared, everything is computed. */
export const RUN_DIR_VARIABLE = "CBAT_TEST_RUN_DIR";

export function runDir(): string | undefined {
  const dir = process.env[RUN_DIR_VARIABLE];
  return dir && existsSync(dir) ? dir : undefined;
}

export function digest(...parts: ReadonlyArray<string | Buffer>): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(`${part.length}:`).update(part);
  return hash.digest("hex").slice(0, 32);
}

/** A lock older than this is from a worker that died (a plan on a loaded machine takes minutes, not this). */
const LOCK_STALE_MS = 30 * 60_000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** Synchronous sleep: terraform and synth are synchronous calls, and the worker waits either way. */
const sleepSync = (ms: number) => Atomics.wait(sleeper, 0, 0, ms);

/**
 * The folder holding `compute`'s files for `key`: `compute(dir)` writes them into a fresh folder,
 * once per run across all jest workers (others wait for it). Without a run folder, it runs in
 * a fresh folder every time. A compute that throws leaves nothing cached (the next caller retries).
 */
export function memo(kind: string, key: string, compute: (dir: string) => void, scratch: () => string): string {
  const root = runDir();
  if (!root) {
    const dir = scratch();
    compute(dir);
    return dir;
  }
  const done = join(root, "cache", kind, key);
  const lock = `${done}.lock`;
  mkdirSync(join(root, "cache", kind), { recursive: true });
  for (;;) {
    if (existsSync(done)) return done;
    try {
      mkdirSync(lock);
    } catch {
      const age = lockAge(lock);
      if (age !== undefined && age > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      else sleepSync(100);
      continue;
    }
    try {
      if (existsSync(done)) return done;
      const building = `${done}.${process.pid}.building`;
      rmSync(building, { recursive: true, force: true });
      mkdirSync(building);
      try {
        compute(building);
        renameSync(building, done);
      } catch (error) {
        rmSync(building, { recursive: true, force: true });
        if (!existsSync(done)) throw error; // else another worker took a stale lock and finished first
      }
      return done;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

function lockAge(lock: string): number | undefined {
  try {
    return Date.now() - statSync(lock).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The digest of every `*.tf.json` in a stack folder (the configuration terraform reads). */
export function configDigest(stackDir: string): string {
  const files = readdirSync(stackDir).filter((name) => name.endsWith(".tf.json")).sort();
  return digest(...files.flatMap((name) => [name, readFileSync(join(stackDir, name))]));
}
