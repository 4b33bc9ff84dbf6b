/**
 * The stated scale in one generated config: 500 operations on one x-cbat-handler, 500 machine
 * clients, 100 groups. One real synth, `terraform validate` and one offline plan, and every
 * quota computed from the synthesized configuration: Lambda policies ≤ 20 KB, environments
 * ≤ 4 KB, SSM values ≤ 4 KB, resources ≤ 300, app clients ≤ 1,000, scopes ≤ 50 per client.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AWS_QUOTAS } from "../../stacks/aws-quotas";
import { environmentBytes } from "../../stacks/function-environment";
import { lambdaPolicyBytes } from "../../stacks/lambda-permissions";
import { STACK_NAME } from "../../stacks/stack-name";
import { STATED_SCALE, writeScaleConfig } from "../../scripts/scale-config";
import { assertTerraformAvailable, OfflineTerraform, PROJECT_ROOT, synthApp, TEST_TFVARS, type PlanJson } from "../support/terraform";

let dir: string;
let json: any;
let terraform: OfflineTerraform;
let plan: PlanJson;
const all = (type: string): any[] => Object.values(json.resource[type] ?? {});

beforeAll(() => {
  assertTerraformAvailable();
  dir = mkdtempSync(join(tmpdir(), "cbat-scale-"));
  const stackDir = join(synthApp(PROJECT_ROOT, { CBAT_CONFIG: writeScaleConfig(dir) }), "stacks", STACK_NAME);
  json = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8"));
  terraform = new OfflineTerraform(stackDir);
  terraform.ok("init", "-input=false");
  plan = terraform.planJson(terraform.writeVars("test.tfvars.json", { ...TEST_TFVARS, user_pool_domain_prefix: "cbat-scale-test" }));
}, 900_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("synthesizes the stated scale, validates and plans it", () => {
  expect(all("aws_api_gateway_method")).toHaveLength(STATED_SCALE.operations);
  expect(all("aws_cognito_user_pool_client")).toHaveLength(STATED_SCALE.machineClients + 1);
  expect(all("aws_cognito_user_group")).toHaveLength(STATED_SCALE.groups);
  expect(JSON.parse(terraform.ok("validate", "-json"))).toMatchObject({ valid: true, error_count: 0 });
  const planned = (type: string) => (plan.planned_values.root_module.resources ?? []).filter((r) => r.type === type);
  expect(planned("aws_api_gateway_method")).toHaveLength(STATED_SCALE.operations);
  expect(planned("aws_ssm_parameter")).toHaveLength(STATED_SCALE.machineClients);
});

it("keeps every Lambda function's resource-based policy within 20 KB", () => {
  const byFunction = new Map<string, { statementId: string; sourceArnSuffix: string }[]>();
  for (const permission of all("aws_lambda_permission")) {
    const statements = byFunction.get(permission.function_name) ?? [];
    statements.push({ statementId: permission.statement_id, sourceArnSuffix: String(permission.source_arn).replace(/^\$\{[^}]+\}\//, "") });
    byFunction.set(permission.function_name, statements);
  }
  const handler = [...byFunction].find(([name]) => name.includes("example_function"))!;
  expect(handler[1]).toHaveLength(5); // one per method, whatever the number of routes
  for (const [name, statements] of byFunction) expect(lambdaPolicyBytes(`${STACK_NAME}-${name.length}`.padEnd(59, "x"), statements)).toBeLessThanOrEqual(AWS_QUOTAS.lambdaResourcePolicyBytes.value);
});

it("keeps every function's environment within 4 KB, and every SSM value within 4 KB", () => {
  for (const fn of all("aws_lambda_function")) expect(environmentBytes(fn.environment.variables)).toBeLessThanOrEqual(AWS_QUOTAS.lambdaEnvironmentBytes.value);
  for (const parameter of all("aws_ssm_parameter")) {
    // jsonencode({clientId = <id, at most 128 characters>, x5t#S256 = "<43 characters>"})
    const x5t = /"x5t#S256" = "([^"]+)"/.exec(parameter.insecure_value)![1];
    expect(Buffer.byteLength(JSON.stringify({ clientId: "x".repeat(128), "x5t#S256": x5t }))).toBeLessThanOrEqual(AWS_QUOTAS.ssmStandardParameterBytes.value);
  }
});

it("stays within the REST API and Cognito quotas", () => {
  expect(all("aws_api_gateway_resource").length).toBeLessThanOrEqual(AWS_QUOTAS.resourcesPerApi.value);
  expect(all("aws_cognito_user_pool_client").length).toBeLessThanOrEqual(AWS_QUOTAS.cognitoAppClientsPerPool.value);
  for (const client of all("aws_cognito_user_pool_client")) expect((client.allowed_oauth_scopes ?? []).length).toBeLessThanOrEqual(AWS_QUOTAS.cognitoScopesPerAppClient.value);
  const [server] = all("aws_cognito_resource_server");
  expect(server.scope.length).toBeLessThanOrEqual(AWS_QUOTAS.cognitoScopesPerResourceServer.value);
  for (const scope of server.scope) expect(scope.scope_description.length).toBeLessThanOrEqual(AWS_QUOTAS.cognitoScopeDescriptionCharacters.value);
});
