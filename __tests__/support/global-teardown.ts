/** jest globalTeardown: removes the run's folder (globalSetup), every suite's temporary folders with it. */
import { rmSync } from "node:fs";
import { RUN_DIR_VARIABLE } from "./test-run";

export default function globalTeardown(): void {
  const dir = process.env[RUN_DIR_VARIABLE];
  if (dir) rmSync(dir, { recursive: true, force: true });
}
