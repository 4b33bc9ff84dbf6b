/**
 * A multi-route API document through real synth and the real AWS provider: terraform
 * validate and an offline plan, with the planned routes, scopes, backends and permissions.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { STACK_NAME } from "../../stacks/stack-name";
import { assertTerraformAvailable, OfflineTerraform, PROJECT_ROOT, synthApp, TEST_TFVARS, type PlanJson, type PlannedResource } from "../support/terraform";

const FOREIGN_LAMBDA = "arn:aws:lambda:eu-west-1:123456789012:function:legacy-orders";
const FOREIGN_URI = `arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/${FOREIGN_LAMBDA}/invocations`;

/** The example document plus an AWS_PROXY to an existing Lambda and a MOCK with responses. */
function writeConfig(changeDocument: (document: any) => void = () => undefined): string {
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
  changeDocument(document);
  writeFileSync(join(dir, "api.yaml"), stringify(document));
  writeFileSync(join(dir, "cbat.config.json"), JSON.stringify({ api: { openapi: "api.yaml", groupScopes: { "account-readers": ["accounts/read"], "order-desk": ["orders/read"] } } }));
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
  expect(methods.map((m) => m.http_method).sort()).toEqual(["GET", "GET", "GET", "GET", "GET", "POST", "PUT"]);
  for (const method of methods) expect(method).toMatchObject({ authorization: "CUSTOM" });
  expect(planned("aws_api_gateway_authorizer")).toHaveLength(1);
  expect(planned("aws_api_gateway_authorizer")[0].values).toMatchObject({ type: "REQUEST", authorizer_result_ttl_in_seconds: 0 });
  expect(planned("aws_api_gateway_resource").map((r) => r.values.path_part).sort()).toEqual(["accounts", "health", "orders", "rates", "version", "{id}", "{orderId}"]);
  expect(methods.filter((m) => m.request_parameters?.["method.request.path.id"] === true)).toHaveLength(2);
});

it("passes user integrations through and bundles one function per x-cbat-handler", () => {
  const integrations = planned("aws_api_gateway_integration").map((i) => i.values);
  expect(integrations.find((i) => i.type === "HTTP_PROXY")).toMatchObject({ uri: "https://rates.example.com/v1/rates", integration_http_method: "GET", timeout_milliseconds: 5000 });
  expect(integrations.find((i) => i.uri === FOREIGN_URI)).toMatchObject({ type: "AWS_PROXY", integration_http_method: "POST" });
  expect(integrations.find((i) => i.type === "MOCK")).toMatchObject({ request_templates: { "application/json": '{"statusCode": 200}' } });
  expect(planned("aws_api_gateway_integration_response")[0].values).toMatchObject({ status_code: "200", response_templates: { "application/json": '{"version": "1.0.0"}' } });
  expect(planned("aws_api_gateway_method_response")[0].values).toMatchObject({ status_code: "200", response_parameters: { "method.response.header.Cache-Control": false } });
  expect(planned("aws_lambda_function").map((f) => f.values.function_name).sort()).toEqual([
    `${STACK_NAME}-accounts`, `${STACK_NAME}-authorizer`, `${STACK_NAME}-example`, `${STACK_NAME}-pre-token-generation`,
  ]);
});

it("gives the authorizer each route's required scopes, and the trigger the group scopes", () => {
  // The plan knows these maps only after apply (they also hold the pool's ids): read the synthesized configuration.
  const environment = (name: string) => all(json, "aws_lambda_function").find((f) => f.function_name === `${STACK_NAME}-${name}`)!.environment.variables;
  expect(JSON.parse(environment("authorizer").ROUTE_SCOPES)).toEqual({
    "POST /accounts": ["accounts/write"],
    "GET /accounts/{id}": ["accounts/read"],
    "PUT /accounts/{id}": ["accounts/write"],
    "GET /health": [],
    "GET /orders/{orderId}": ["orders/read"],
    "GET /rates": ["accounts/read"],
    "GET /version": ["accounts/read"],
  });
  expect(JSON.parse(environment("pre-token-generation").GROUP_SCOPES)).toEqual({ "account-readers": ["accounts/read"], "order-desk": ["orders/read"] });
  expect(planned("aws_cognito_user_group").map((g) => g.values.name).sort()).toEqual(["account-readers", "order-desk"]);
});

it("scopes every Lambda permission to its own route", () => {
  const permissions = all(json, "aws_lambda_permission").filter((p) => p.principal === "apigateway.amazonaws.com");
  const sourceArns = permissions.map((p) => String(p.source_arn).replace(/^\$\{[^}]+\}/, "<api>")).sort();
  expect(sourceArns).toEqual([
    "<api>/*/GET/accounts/*", "<api>/*/GET/health", "<api>/*/GET/orders/*", "<api>/*/POST/accounts", "<api>/*/PUT/accounts/*", "<api>/authorizers/${aws_api_gateway_authorizer.rest-api_authorizer_5F392292.id}",
  ].sort());
  expect(planned("aws_lambda_permission").find((p) => p.values.function_name === FOREIGN_LAMBDA)).toBeDefined();
});

it("shows the routes in the plan's api_routes output", () => {
  const outputs = (plan.planned_values as any).outputs;
  expect(outputs.api_routes.value["GET /orders/{orderId}"]).toEqual({ scopes: ["orders/read"], backend: `AWS_PROXY ${FOREIGN_URI}` });
  expect(outputs.api_routes.value["GET /health"]).toEqual({ scopes: [], backend: "handler example" });
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
