/** jest globalTeardown: stops the run's providers and removes its folder (globalSetup), every suite's temporary folders with it. */
import { rmSync } from "node:fs";
import { stopProviderPool } from "./provider-pool";
import { RUN_DIR_VARIABLE } from "./test-run";

export default function globalTeardown(): void {
  const dir = process.env[RUN_DIR_VARIABLE];
  if (!dir) return;
  stopProviderPool(dir);
  rmSync(dir, { recursive: true, force: true });
}
