/**
 * A multi-route API document through real synth and the real AWS provider: terraform
 * validate and an offline plan, with the planned routes, scopes, backends and permissions.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { Testing } from "cdktf";
import type { ApiDefinition } from "../../stacks/api-document";
import { CertBoundApiStack } from "../../stacks/cert-bound-api-stack";
import { STACK_NAME } from "../../stacks/stack-name";
import { GROUP_SCOPES_FILE, ROUTE_SCOPES_FILE } from "../../handlers/lib/packaged-data";
import { readZipEntries } from "../../local/zip-reader";
import { assertTerraformAvailable, OfflineTerraform, PROJECT_ROOT, synthApp, TEST_TFVARS, type PlanJson, type PlannedResource } from "../support/terraform";

const FOREIGN_LAMBDA = "arn:aws:lambda:eu-west-1:123456789012:function:legacy-orders";
const FOREIGN_URI = `arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/${FOREIGN_LAMBDA}/invocations`;

/** The example document plus an AWS_PROXY to an existing Lambda and a MOCK with responses. */
function writeConfig(changeDocument: (document: any) => void = () => undefined, moreConfig: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "cbat-api-"));
  const document = parse(readFileSync(join(PROJECT_ROOT, "examples", "accounts-api.yaml"), "utf8"));
  document.paths["/orders/{orderId}"] = {
    get: { operationId: "getOrder", security: [{ certificateBound: ["orders/read"] }], "x-amazon-apigateway-integration": { type: "aws_proxy", httpMethod: "POST", uri: FOREIGN_URI } },
  };
  document.paths["/version"] = {
    get: {
      operationId: "getVersion",
      "x-amazon-apigateway-integration": {
        type: "mock",
        requestTemplates: { "application/json": '{"statusCode": 200}' },
        responses: { default: { statusCode: "200", responseTemplates: { "application/json": '{"version": "1.0.0"}' }, responseParameters: { "method.response.header.Cache-Control": "'no-store'" } } },
      },
    },
  };
  // Text Terraform must not evaluate: an interpolation in a scope, VTL and a directive in a template.
  document.paths["/echo"] = {
    post: {
      operationId: "echo",
      security: [{ certificateBound: ["audit/${path.cwd}"] }],
      "x-amazon-apigateway-integration": {
        type: "mock",
        requestTemplates: { "application/json": '{"statusCode": 200, "id": "${context.requestId}", "f": "${file(\"/etc/hostname\")}", "d": "%{if true}x%{endif}"}' },
      },
    },
  };
  changeDocument(document);
  writeFileSync(join(dir, "api.yaml"), stringify(document));
  writeFileSync(join(dir, "cbat.config.json"), JSON.stringify({ api: { openapi: "api.yaml", handlersDir: join(PROJECT_ROOT, "handlers"), groupScopes: { "account-readers": ["accounts/read"], "order-desk": ["orders/read"] } }, ...moreConfig }));
  return join(dir, "cbat.config.json");
}

const synthesized = (configFile: string) => {
  const stackDir = join(synthApp(PROJECT_ROOT, { CBAT_CONFIG: configFile }), "stacks", STACK_NAME);
  return { stackDir, json: JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) };
};
const all = (json: any, type: string): any[] => Object.values(json.resource[type] ?? {});

let stackDir: string;
let json: any;
let terraform: OfflineTerraform;
let plan: PlanJson;

beforeAll(() => {
  assertTerraformAvailable();
  ({ stackDir, json } = synthesized(writeConfig()));
  terraform = new OfflineTerraform(stackDir);
  terraform.ok("init", "-input=false");
  plan = terraform.planJson(terraform.writeVars("test.tfvars.json", TEST_TFVARS));
}, 240_000);

const planned = (type: string): PlannedResource[] => (plan.planned_values.root_module.resources ?? []).filter((r) => r.type === type);

it("validates against the provider schema", () => {
  expect(JSON.parse(terraform.ok("validate", "-json"))).toMatchObject({ valid: true, error_count: 0 });
});

it("plans one method per operation, every one behind the certificate-bound authorizer", () => {
  const methods = planned("aws_api_gateway_method").map((m) => m.values);
  expect(methods.map((m) => m.http_method).sort()).toEqual(["GET", "GET", "GET", "GET", "GET", "POST", "POST", "PUT"]);
  for (const method of methods) expect(method).toMatchObject({ authorization: "CUSTOM" });
  expect(planned("aws_api_gateway_authorizer")).toHaveLength(1);
  expect(planned("aws_api_gateway_authorizer")[0].values).toMatchObject({ type: "REQUEST", authorizer_result_ttl_in_seconds: 0 });
  expect(planned("aws_api_gateway_resource").map((r) => r.values.path_part).sort()).toEqual(["accounts", "echo", "health", "orders", "rates", "version", "{id}", "{orderId}"]);
  expect(methods.filter((m) => m.request_parameters?.["method.request.path.id"] === true)).toHaveLength(2);
});

it("passes user integrations through and bundles one function per x-cbat-handler", () => {
  const integrations = planned("aws_api_gateway_integration").map((i) => i.values);
  expect(integrations.find((i) => i.type === "HTTP_PROXY")).toMatchObject({ uri: "https://rates.example.com/v1/rates", integration_http_method: "GET", timeout_milliseconds: 5000 });
  expect(integrations.find((i) => i.uri === FOREIGN_URI)).toMatchObject({ type: "AWS_PROXY", integration_http_method: "POST" });
  expect(integrations.filter((i) => i.type === "MOCK").map((i) => i.request_templates["application/json"]).sort()).toEqual([
    '{"statusCode": 200, "id": "${context.requestId}", "f": "${file(\"/etc/hostname\")}", "d": "%{if true}x%{endif}"}', // as written, not evaluated
    '{"statusCode": 200}',
  ]);
  expect(planned("aws_api_gateway_integration_response")[0].values).toMatchObject({ status_code: "200", response_templates: { "application/json": '{"version": "1.0.0"}' } });
  expect(planned("aws_api_gateway_method_response")[0].values).toMatchObject({ status_code: "200", response_parameters: { "method.response.header.Cache-Control": false } });
  expect(planned("aws_lambda_function").map((f) => f.values.function_name).sort()).toEqual([
    `${STACK_NAME}-accounts`, `${STACK_NAME}-authorizer`, `${STACK_NAME}-example`, `${STACK_NAME}-pre-token-generation`,
  ]);
});

it("packages each route's required scopes in the authorizer's zip, and the group scopes in the trigger's", () => {
  // Files next to index.js, read once at init (handlers/lib/packaged-data.ts); the environments no longer carry them.
  const functionOf = (name: string) => all(json, "aws_lambda_function").find((f) => f.function_name === `${STACK_NAME}-${name}`)!;
  const packaged = (name: string, file: string) => JSON.parse(readZipEntries(readFileSync(join(stackDir, functionOf(name).filename))).get(file)!.toString("utf8"));
  expect(packaged("authorizer", ROUTE_SCOPES_FILE)).toEqual({
    "POST /accounts": ["accounts/write"],
    "GET /accounts/{id}": ["accounts/read"],
    "PUT /accounts/{id}": ["accounts/write"],
    "GET /health": [],
    "GET /orders/{orderId}": ["orders/read"],
    "GET /rates": ["accounts/read"],
    "GET /version": ["accounts/read"],
    "POST /echo": ["audit/${path.cwd}"], // as written: a file, not Terraform text
  });
  expect(packaged("pre-token-generation", GROUP_SCOPES_FILE)).toEqual({ "account-readers": ["accounts/read"], "order-desk": ["orders/read"] });
  expect(functionOf("authorizer").environment.variables.ROUTE_SCOPES).toBeUndefined();
  expect(functionOf("pre-token-generation").environment.variables.GROUP_SCOPES).toBeUndefined();
  expect(planned("aws_cognito_user_group").map((g) => g.values.name).sort()).toEqual(["account-readers", "order-desk"]);
});

it("changes the authorizer's code hash with the route table, and only then", () => {
  const authorizerOf = (synth: any) => all(synth, "aws_lambda_function").find((f) => f.function_name === `${STACK_NAME}-authorizer`)!.source_code_hash;
  const before = authorizerOf(json);
  expect(authorizerOf(synthesized(writeConfig()).json)).toBe(before);
  expect(authorizerOf(synthesized(writeConfig((document) => {
    document.paths["/health"].get.security = [{ certificateBound: ["accounts/read"] }];
  })).json)).not.toBe(before);
});

it("grants each function one permission per method: this API, this stage, that method", () => {
  const permissions = all(json, "aws_lambda_permission").filter((p) => p.principal === "apigateway.amazonaws.com");
  const grants = permissions.map((p) => `${String(p.function_name).replace(/^\$\{aws_lambda_function\.([a-z-]+)_function_[A-F0-9]+\.function_name\}$/, "$1")} ${String(p.source_arn).replace(/^\$\{[^}]+\}/, "<api>")}`).sort();
  const statementIds = permissions.map((p) => `${p.function_name} ${p.statement_id}`);
  expect(new Set(statementIds).size).toBe(statementIds.length);
  for (const p of permissions) expect(p.statement_id).toMatch(/^[A-Za-z0-9_-]{1,100}$/);
  expect(grants).toEqual([
    "accounts <api>/prod/GET/*", "accounts <api>/prod/POST/*", "accounts <api>/prod/PUT/*", "example <api>/prod/GET/*",
    `${FOREIGN_LAMBDA} <api>/prod/GET/*`,
    "authorizer <api>/authorizers/${aws_api_gateway_authorizer.rest-api_authorizer_5F392292.id}",
  ].sort());
  expect(planned("aws_lambda_permission").find((p) => p.values.function_name === FOREIGN_LAMBDA)).toBeDefined();
});

it("throttles every method of the stage, and an operation with x-cbat-throttle by its own limits", () => {
  const settings = Object.fromEntries(planned("aws_api_gateway_method_settings").map((m) => [m.values.method_path, m.values.settings[0]]));
  // API Gateway's key of a method's settings: the resource path with "/" as "~1", then the method.
  expect(Object.keys(settings).sort()).toEqual(["*/*", "~1accounts~1{id}/PUT"]);
  expect(settings["*/*"]).toMatchObject({ throttling_rate_limit: 100, throttling_burst_limit: 200 });
  expect(settings["~1accounts~1{id}/PUT"]).toMatchObject({ throttling_rate_limit: 5, throttling_burst_limit: 10, logging_level: "OFF", data_trace_enabled: false });
});

it("shows the routes in the plan's api_routes output", () => {
  const outputs = (plan.planned_values as any).outputs;
  expect(outputs.api_routes.value["GET /orders/{orderId}"]).toEqual({ scopes: ["orders/read"], backend: `AWS_PROXY ${FOREIGN_URI}` });
  expect(outputs.api_routes.value["GET /health"]).toEqual({ scopes: [], backend: "handler example" });
  expect(outputs.api_routes.value["POST /echo"].scopes).toEqual(["audit/${path.cwd}"]); // not the planning machine's folder
});

it("replaces the deployment when the document changes, and only then", () => {
  const trigger = (j: any) => all(j, "aws_api_gateway_deployment")[0].triggers.redeployment;
  expect(trigger(synthesized(writeConfig()).json)).toBe(trigger(json));
  const changedScope = synthesized(writeConfig((d) => { d.paths["/health"].get.security = [{ certificateBound: ["health/read"] }]; })).json;
  expect(trigger(changedScope)).not.toBe(trigger(json));
  const changedUri = synthesized(writeConfig((d) => { d.paths["/rates"].get["x-amazon-apigateway-integration"].uri = "https://rates2.example.com/"; })).json;
  expect(trigger(changedUri)).not.toBe(trigger(json));
}, 120_000);

it("fails synth with the document's error and a non-zero exit", () => {
  const bad = writeConfig((d) => { d.paths["/health"].get.security = []; });
  expect(() => synthesized(bad)).toThrow(/Configuration error: .*GET \/health: its security is \[\] \(an explicit opt-out\)/s);
});

it("declares one method response per status code when several selection patterns lead to it", () => {
  const { json: twoPatterns } = synthesized(writeConfig((d) => {
    d.paths["/version"].get["x-amazon-apigateway-integration"].responses["5\\d{2}"] = {
      statusCode: "200", responseParameters: { "method.response.header.Retry-After": "'5'" }, responseTemplates: { "application/json": '{"version": "unknown"}' },
    };
  }));
  const methodResponses = all(twoPatterns, "aws_api_gateway_method_response");
  expect(methodResponses).toHaveLength(1);
  expect(methodResponses[0].response_parameters).toEqual({ "method.response.header.Cache-Control": false, "method.response.header.Retry-After": false });
  expect(all(twoPatterns, "aws_api_gateway_integration_response").map((r) => r.selection_pattern ?? "default").sort()).toEqual(["5\\d{2}", "default"]);
}, 60_000);

it("refuses handler names that would make names AWS refuses or collide with the stack's parts", () => {
  // An in-memory definition: no handler file has to exist, the stack refuses before bundling.
  const api = (handler: string): ApiDefinition => ({
    source: "test", title: "t", groupScopes: {}, resourceServer: "cbat",
    routes: [{ method: "GET", path: "/health", scopes: [], backend: { kind: "handler", handler }, requestParameters: {} }],
  });
  const long = "h".repeat(40);
  expect(() => new CertBoundApiStack(Testing.app(), "cert-bound-api-production", { api: api(long) }))
    .toThrow(`x-cbat-handler "${long}" (GET /health): the function name cert-bound-api-production-${long} is longer than 59 characters`);
  expect(() => new CertBoundApiStack(Testing.app(), "short", { api: api("user-pool") }))
    .toThrow(/x-cbat-handler "user-pool" \(GET \/health\) has the name of a part of the stack/);
});
