/**
 * A function's package folder for the handlers' Lambda entry points: the data files the stack
 * packages next to index.js (handlers/lib/packaged-data.ts), in a temporary folder that
 * LAMBDA_TASK_ROOT names, as Lambda sets it. `remove()` deletes it and restores the variable.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function packageFolder(files: Readonly<Record<string, string>>): { readonly dir: string; remove(): void } {
  const saved = process.env.LAMBDA_TASK_ROOT;
  const dir = mkdtempSync(join(tmpdir(), "cbat-package-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  process.env.LAMBDA_TASK_ROOT = dir;
  return {
    dir,
    remove() {
      if (saved === undefined) delete process.env.LAMBDA_TASK_ROOT;
      else process.env.LAMBDA_TASK_ROOT = saved;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
