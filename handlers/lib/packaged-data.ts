/**
 * Tables that grow with the API document or the config ship as JSON files next to the
 * handler's index.js in its Lambda zip, not in its environment (4 KB in all, see
 * stacks/aws-quotas.ts) and not compiled into the bundle (the bundle is the same for every
 * stack). Synth writes them (stacks/packaged-function-data.ts); the handler reads them once,
 * at init, from its own folder: no network, and a change of table changes the code hash.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The authorizer's route table: `{"<METHOD> <resource path>": ["scope", …]}` (lib/route-scopes.ts). */
export const ROUTE_SCOPES_FILE = "route-scopes.json";
/** The trigger's group table: `{"<group>": ["scope", …]}`. */
export const GROUP_SCOPES_FILE = "group-scopes.json";
/** The token endpoint's RFC 8414 `scopes_supported`: `["scope", …]`, its clients' scopes. */
export const SCOPES_SUPPORTED_FILE = "scopes-supported.json";

/** A packaged file could not be read: the handler then refuses every call (fail closed). */
export class PackagedDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PackagedDataError";
  }
}

/**
 * The parsed JSON of `file` in `dir`: by default the function's own folder, where Lambda unpacks
 * the zip (LAMBDA_TASK_ROOT, a reserved variable no configuration can set), else the bundle's.
 * @throws PackagedDataError when it is missing, unreadable or not JSON; the message names the file only.
 */
export function readPackagedJson(file: string, dir: string = process.env.LAMBDA_TASK_ROOT ?? __dirname): unknown {
  let text: string;
  try {
    text = readFileSync(join(dir, file), "utf8");
  } catch (error) {
    throw new PackagedDataError(`${file} is missing from the function's package (${(error as NodeJS.ErrnoException).code ?? "unreadable"}); synthesize and apply the stack again`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new PackagedDataError(`${file} in the function's package is not valid JSON; synthesize and apply the stack again`);
  }
}
