/**
 * The stated scale as a generated config: one API document of N operations on one
 * `x-cbat-handler` (paths /items/rK with five methods each, so 500 operations make 101 REST API
 * resources), M machine clients (fingerprints, one scope each; or clients of the mTLS token endpoint,
 * half by subject DN and half pinned) and G groups (one scope each).
 * Used by the scale test (synth + validate + offline plan) and `npm run bench:synth`.
 */
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** The document names this repository's example handler. */
const HANDLERS_DIR = resolve(__dirname, "..", "handlers");

export interface ScaleOptions {
  readonly operations: number;
  readonly machineClients: number;
  readonly groups: number;
  /**
   * Every machine client names a tokenEndpointAuthMethod (served by the mTLS token endpoint):
   * even ones tls_client_auth (subject DN, every fourth an issuer DN too), odd ones
   * self_signed_tls_client_auth. @default false: pinned clients of Cognito's token endpoint
   */
  readonly tokenEndpointClients?: boolean;
}

export const STATED_SCALE: ScaleOptions = { operations: 500, machineClients: 500, groups: 100 };
const METHODS = ["get", "put", "post", "delete", "patch"] as const;

/** `count` operations at /items/r0 … (five methods a path), each `operationOf(i)`: OpenAPI `paths`. */
export function generatedPaths(count: number, operationOf: (index: number) => Record<string, unknown>): Record<string, Record<string, unknown>> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < count; i++) {
    const path = `/items/r${Math.floor(i / METHODS.length)}`;
    paths[path] ??= {};
    paths[path][METHODS[i % METHODS.length]] = operationOf(i);
  }
  return paths;
}

function machineClientOf(i: number, tokenEndpoint: boolean): Record<string, unknown> {
  const scopes = [`cbat/scope${i % 90}`];
  const fingerprint = createHash("sha256").update(`machine ${i}`).digest("base64url");
  if (!tokenEndpoint) return { fingerprint, scopes };
  if (i % 2 === 1) return { tokenEndpointAuthMethod: "self_signed_tls_client_auth", fingerprint, scopes };
  return { tokenEndpointAuthMethod: "tls_client_auth", subjectDn: `CN=client-${i},OU=Scale Test,O=Example Corp,C=GB`, ...(i % 4 === 0 ? { issuerDn: "CN=Partner CA,O=Example Corp,C=GB" } : {}), scopes };
}

/** Writes `<dir>/scale.json` and `<dir>/cbat.config.json`; returns the config file. */
export function writeScaleConfig(dir: string, options: ScaleOptions = STATED_SCALE): string {
  const paths = generatedPaths(options.operations, (i) => ({ operationId: `op${i}`, security: [{ certificateBound: [`cbat/scope${i % 90}`] }], "x-cbat-handler": "example" }));
  writeFileSync(join(dir, "scale.json"), JSON.stringify({ openapi: "3.0.3", info: { title: "scale", version: "1" }, paths }));
  const machineClients = Object.fromEntries(Array.from({ length: options.machineClients }, (_, i) => [`client-${i}`, machineClientOf(i, options.tokenEndpointClients ?? false)]));
  const groupScopes = Object.fromEntries(Array.from({ length: options.groups }, (_, i) => [`group-${i}`, [`cbat/scope${i % 90}`]]));
  const file = join(dir, "cbat.config.json");
  writeFileSync(file, JSON.stringify({ api: { openapi: "scale.json", handlersDir: HANDLERS_DIR, groupScopes }, machineClients }));
  return file;
}
