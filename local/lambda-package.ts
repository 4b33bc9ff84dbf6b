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

const packageEntries = new Map<string, Map<string, Buffer>>();

/**
 * A data file the stack packaged next to the function's index.js (handlers/lib/packaged-data.ts),
 * parsed: the same file, in the same format, the function reads on AWS.
 * @throws Error when it is missing: the function would refuse every call, so the local gateway does not start.
 */
export function packagedJson<T>(fn: FunctionRef, file: string): T {
  // A package's path in the synthesized stack carries its content's hash (cdktf's asset folder): a path reads the same always.
  let entries = packageEntries.get(fn.zipPath);
  if (!entries) packageEntries.set(fn.zipPath, (entries = readZipEntries(readFileSync(fn.zipPath))));
  const data = entries.get(file);
  if (data === undefined) throw new Error(`${fn.functionName}: its package ${fn.zipPath} has no ${file}; synthesize the stack again`);
  try {
    return JSON.parse(data.toString("utf8")) as T;
  } catch {
    throw new Error(`${fn.functionName}: ${file} in its package is not JSON; synthesize the stack again`);
  }
}
