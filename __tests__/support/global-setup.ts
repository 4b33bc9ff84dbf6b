/**
 * jest globalSetup: one folder for this run. TMPDIR points into it, so the temporary folders that
 * suites and their child processes make are removed with it by globalTeardown; shared results
 * (test-run.ts) live in it too. And one running AWS provider per worker (provider-pool.ts).
 */
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startProviderPool } from "./provider-pool";
import { RUN_DIR_VARIABLE } from "./test-run";

export default async function globalSetup(globalConfig: { maxWorkers: number }): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "cbat-jest-"));
  mkdirSync(join(dir, "tmp"));
  process.env[RUN_DIR_VARIABLE] = dir;
  process.env.TMPDIR = join(dir, "tmp");
  await startProviderPool(dir, Math.max(1, globalConfig.maxWorkers));
}
