/**
 * What `npm run test:deploy` applies unless CBAT_CONFIG names a config: the example config
 * (examples/cbat.config.json: the accounts API, groups, a machine client) with its document
 * grown to CYCLE_OPERATIONS operations on its `accounts` handler, so one cycle applies a real
 * API size too (issue 19) instead of a second full cycle.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { parse } from "yaml";
import { generatedPaths } from "../scale-config";

export const CYCLE_OPERATIONS = 120;
const EXAMPLES_DIR = resolve(__dirname, "..", "..", "examples");
const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];

/**
 * The route change of the cycle's second apply: document A minus one route (`GET /items/r0`)
 * plus a new one (`DELETE /accounts/{id}`), on paths that stay, so what changes is the methods.
 * The new route goes to the `example` handler, which has no DELETE yet: the apply adds a Lambda
 * permission too.
 */
export function changeRoutes(document: { paths: Record<string, Record<string, unknown>> }): void {
  delete document.paths["/items/r0"].get;
  document.paths["/accounts/{id}"].delete = { operationId: "deleteAccount", security: [{ certificateBound: ["accounts/write"] }], "x-cbat-handler": "example" };
}

/** Writes `<dir>/openapi.json` and `<dir>/cbat.config.json`; returns the config file. `edit` changes the document first. */
export function writeCycleConfig(dir: string, operations = CYCLE_OPERATIONS, edit?: (document: any) => void): string {
  const example = JSON.parse(readFileSync(join(EXAMPLES_DIR, "cbat.config.json"), "utf8"));
  const document = parse(readFileSync(join(EXAMPLES_DIR, example.api.openapi), "utf8"));
  const existing = Object.values(document.paths as Record<string, Record<string, unknown>>).reduce((n, item) => n + Object.keys(item).filter((key) => METHODS.includes(key)).length, 0);
  // The document's default security (accounts/read) applies to the generated operations.
  document.paths = { ...document.paths, ...generatedPaths(Math.max(0, operations - existing), (i) => ({ operationId: `item${i}`, "x-cbat-handler": "accounts" })) };
  edit?.(document);
  writeFileSync(join(dir, "openapi.json"), JSON.stringify(document));
  const resolved = (path: string) => (isAbsolute(path) ? path : resolve(EXAMPLES_DIR, path));
  const machineClients = Object.fromEntries(Object.entries(example.machineClients ?? {}).map(([name, client]) => {
    const { certificate } = client as { certificate?: string };
    return [name, certificate === undefined ? client : { ...(client as object), certificate: resolved(certificate) }];
  }));
  const file = join(dir, "cbat.config.json");
  writeFileSync(file, JSON.stringify({ ...example, api: { ...example.api, openapi: "openapi.json", handlersDir: resolved(example.api.handlersDir) }, machineClients }));
  return file;
}
