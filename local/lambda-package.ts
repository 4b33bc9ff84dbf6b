/**
 * Loads a Lambda deployment package (the zip the stack would upload) and returns its
 * module, so the local environment runs exactly the bundled code.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { FunctionRef } from "./stack-config";
import { readZipEntries } from "./zip-reader";

export function loadLambdaPackage<T = Record<string, unknown>>(fn: FunctionRef, workDir: string): T {
  let zip: Buffer;
  try {
    zip = readFileSync(fn.zipPath);
  } catch (error) {
    throw new Error(`${fn.functionName}: cannot read its package ${fn.zipPath} (${(error as Error).message}); synthesize the stack first`);
  }
  const dir = join(workDir, "functions", `${fn.functionName}-${createHash("sha256").update(zip).digest("hex").slice(0, 12)}`);
  for (const [name, data] of readZipEntries(zip)) {
    const file = join(dir, name);
    if (!file.startsWith(`${dir}/`)) throw new Error(`${fn.zipPath}: entry ${name} escapes the package folder`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, data);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(join(dir, "index.js")) as T;
}
