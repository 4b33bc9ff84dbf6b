/**
 * Each AWS quota the stack checks, crossed by one, is refused at synth with a message naming the
 * file, route, client or function and the quota; one under it passes. Configs are real files
 * read by loadDeploymentConfig; stacks are synthesized in-process (real bundles).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing } from "cdktf";
import { AWS_QUOTAS } from "../../stacks/aws-quotas";
import { CertBoundApiStack } from "../../stacks/cert-bound-api-stack";
import { checkAppClientsPerPool } from "../../stacks/cognito-quotas";
import { DeploymentConfigError, loadDeploymentConfig } from "../../stacks/deployment-config";
import { checkFunctionEnvironment, environmentBytes } from "../../stacks/function-environment";
import { checkLambdaPolicySize, lambdaPolicyBytes } from "../../stacks/lambda-permissions";
import { scopeDescription } from "../../stacks/machine-clients";
import { apiResourcePaths } from "../../stacks/rest-api-quotas";
import { PROJECT_ROOT } from "../support/terraform";

/** The documents name this repository's example handler. */
const HANDLERS_DIR = join(PROJECT_ROOT, "handlers");

const FINGERPRINT = "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg";
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cbat-quotas-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A config file with `paths` as the API document and `config` merged in; returns its path. */
function writeConfig(name: string, paths: Record<string, unknown>, config: Record<string, unknown> = {}, api: Record<string, unknown> = {}): string {
  writeFileSync(join(dir, `${name}.json`), JSON.stringify({ openapi: "3.0.3", info: { title: name, version: "1" }, paths }));
  const file = join(dir, `${name}.config.json`);
  writeFileSync(file, JSON.stringify({ api: { openapi: `${name}.json`, handlersDir: HANDLERS_DIR, ...api }, ...config }));
  return file;
}
const synth = (configFile: string) => {
  const config = loadDeploymentConfig({ configFile, env: {} });
  return () => new CertBoundApiStack(Testing.app(), "quota-test", { api: config.api, machineClients: config.machineClients });
};
const deepPaths = (operations: number) => Object.fromEntries(Array.from({ length: operations }, (_, i) => [`/r${i}/a/b/c`, { get: { "x-cbat-handler": "example" } }]));

describe("REST API resources per API (300, raisable: api.quotas.resourcesPerApi)", () => {
  it("counts one resource per distinct path segment, the root excluded", () => {
    expect(apiResourcePaths({ routes: [{ path: "/" }, { path: "/a/{id}" }, { path: "/a" }, { path: "/b/c" }] as never }).sort()).toEqual(["/a", "/a/{id}", "/b", "/b/c"]);
  });

  it("refuses 301 resources with the count, the quota and the document; passes 300", () => {
    const over = writeConfig("over", { ...deepPaths(75), "/last": { get: { "x-cbat-handler": "example" } } });
    expect(synth(over)).toThrow(DeploymentConfigError);
    expect(synth(over)).toThrow(/over\.json: 76 operations make 301 REST API resources .*301 count, more than the 300 of the AWS quota "REST API resources per API"; if your account's quota was raised, set api\.quotas\.resourcesPerApi in cbat\.config\.json/);
    expect(synth(writeConfig("at", deepPaths(75)))).not.toThrow();
  });

  it("takes a raised quota from api.quotas.resourcesPerApi", () => {
    expect(synth(writeConfig("raised", deepPaths(100), {}, { quotas: { resourcesPerApi: 400 } }))).not.toThrow();
    expect(synth(writeConfig("raised-short", deepPaths(101), {}, { quotas: { resourcesPerApi: 400 } }))).toThrow(/404 REST API resources/);
  });

  it("refuses a quota below AWS's default or of the wrong kind, naming the setting", () => {
    for (const quotas of [{ resourcesPerApi: 299 }, { resourcesPerApi: "600" }, { methodsPerApi: 5 }]) {
      expect(() => loadDeploymentConfig({ configFile: writeConfig("bad-quota", deepPaths(1), {}, { quotas }), env: {} })).toThrow(/api\.quotas/);
    }
  });
});

describe("Lambda resource-based policy (20 KB, not raisable)", () => {
  const perRoute = (routes: number) => Array.from({ length: routes }, (_, i) => ({ statementId: `AllowApiGateway-cert-bound-api-GET-${String(i).padStart(12, "0")}`, sourceArnSuffix: `*/GET/r${i}/items/*` }));

  it("computes what per-route statements cost: the old layout crossed 20 KB near 58 routes on one handler", () => {
    expect(lambdaPolicyBytes("cert-bound-api-example", perRoute(50))).toBeLessThan(AWS_QUOTAS.lambdaResourcePolicyBytes.value);
    expect(lambdaPolicyBytes("cert-bound-api-example", perRoute(60))).toBeGreaterThan(AWS_QUOTAS.lambdaResourcePolicyBytes.value);
  });

  it("refuses a policy over 20 KB, naming the function and its size; says when other statements add to ours", () => {
    expect(() => checkLambdaPolicySize("cert-bound-api-example", perRoute(60), "all")).toThrow(/Lambda function cert-bound-api-example, 60 statements: \d{5} bytes, more than the 20480 of the AWS quota "Lambda function resource-based policy size" \(AWS cannot raise it\)/);
    expect(() => checkLambdaPolicySize("arn:aws:lambda:eu-west-1:123456789012:function:legacy", perRoute(60), "ours")).toThrow(/legacy \(our statements alone; the function's other statements add to them\)/);
  });

  it("grants one statement per function and method: all seven methods fit many times over", () => {
    const methods = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"].map((m) => ({ statementId: `AllowApiGateway-a-thirty-one-character-prefix-xx-${m}`, sourceArnSuffix: `prod/${m}/*` }));
    expect(lambdaPolicyBytes("a".repeat(59), methods)).toBeLessThan(3_000);
  });
});

describe("Lambda environment (4 KB, not raisable)", () => {
  it("counts names, values and references at their longest; refuses past 4 KB naming the function", () => {
    expect(environmentBytes({ A: "b", REF: "${aws_x.y.id}" })).toBe(1 + 1 + 3 + 128);
    expect(() => checkFunctionEnvironment("cert-bound-api-authorizer", { BIG: "x".repeat(4093) })).not.toThrow(); // 4096 bytes
    expect(() => checkFunctionEnvironment("cert-bound-api-authorizer", { BIG: "x".repeat(4094) })).toThrow(/^Lambda function cert-bound-api-authorizer: its environment \(BIG\): 4097 bytes, more than the 4096 of the AWS quota "Lambda environment variables/);
  });
});

describe("Cognito", () => {
  it("refuses a machine client granted more than 50 scopes, naming the client; 50 pass", () => {
    const scopes = (n: number) => Array.from({ length: n }, (_, i) => `cbat/s${i}`);
    const config = (n: number) => writeConfig("scopes", deepPaths(1), { machineClients: { "partner-a": { fingerprint: FINGERPRINT, scopes: scopes(n) } } });
    expect(() => loadDeploymentConfig({ configFile: config(49), env: {} })).not.toThrow(); // + cbat/invoke = 50
    expect(() => loadDeploymentConfig({ configFile: config(50), env: {} })).toThrow(/machineClients\.partner-a\.scopes: machine client "partner-a" would be granted 51 scopes \(cbat\/invoke included\).*more than the 50 of the AWS quota "Cognito allowed OAuth scopes per app client/);
  });

  it("keeps every generated scope description within 256 characters", () => {
    const long = `cbat/${"s".repeat(214)}`; // 219 characters: the old description was 264
    expect(scopeDescription(long, "cbat").length).toBeLessThanOrEqual(256);
    expect(scopeDescription(long, "cbat")).toBe(long);
    expect(scopeDescription("cbat/read", "cbat")).toBe("cbat/read (API document, groups or machine clients)");
    expect(scopeDescription(`cbat/${"s".repeat(251)}`, "cbat")).toHaveLength(256);
  });

  it("counts the users' client with the machine clients against the app clients per pool", () => {
    expect(() => checkAppClientsPerPool(999)).not.toThrow();
    expect(() => checkAppClientsPerPool(1000)).toThrow(/machineClients: 1000 machine clients and the users' client make 1001 app clients in the pool: 1001 count, more than the 1000 of the AWS quota "Cognito app clients per user pool"; if your account's quota was raised, set api\.quotas\.appClientsPerPool/);
    expect(() => checkAppClientsPerPool(1000, { resourcesPerApi: 300, appClientsPerPool: 2000 })).not.toThrow();
  });

  it("refuses more groups than a pool holds, and a group name Cognito refuses", () => {
    const groups = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`g${i}`, []]));
    expect(() => loadDeploymentConfig({ configFile: writeConfig("groups", deepPaths(1), {}, { groupScopes: groups(10_001) }), env: {} })).toThrow(/api\.groupScopes: 10001 count, more than the 10000 of the AWS quota "Cognito groups per user pool"/);
    expect(() => loadDeploymentConfig({ configFile: writeConfig("group-name", deepPaths(1), {}, { groupScopes: { "has space": [] } }), env: {} })).toThrow(/group name "has space" is one Cognito refuses/);
  });
});
