/**
 * The stated scale in one generated config: 500 operations on one x-cbat-handler, 500 machine
 * clients, all served by the mTLS token endpoint (half tls_client_auth, half
 * self_signed_tls_client_auth), 100 groups. One real synth, `terraform validate` and one offline
 * plan, and every quota computed from the synthesized configuration: Lambda policies ≤ 20 KB,
 * environments ≤ 4 KB, SSM values ≤ 4 KB, each role's inline policies ≤ 10,240 characters,
 * resources ≤ 300, app clients ≤ 1,000, scopes ≤ 50 per client.
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
  const stackDir = join(synthApp(PROJECT_ROOT, { CBAT_CONFIG: writeScaleConfig(dir, { ...STATED_SCALE, tokenEndpointClients: true }) }), "stacks", STACK_NAME);
  json = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8"));
  terraform = new OfflineTerraform(stackDir);
  terraform.ok("init", "-input=false");
  plan = terraform.planJson(terraform.writeVars("test.tfvars.json", { ...TEST_TFVARS, user_pool_domain_prefix: "cbat-scale-test" }));
}, 900_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("synthesizes the stated scale, validates and plans it", () => {
  expect(all("aws_api_gateway_method")).toHaveLength(STATED_SCALE.operations + 2); // and the token endpoint's two
  expect(all("aws_cognito_user_pool_client")).toHaveLength(STATED_SCALE.machineClients + 1);
  expect(all("aws_cognito_user_group")).toHaveLength(STATED_SCALE.groups);
  expect(JSON.parse(terraform.ok("validate", "-json"))).toMatchObject({ valid: true, error_count: 0 });
  const planned = (type: string) => (plan.planned_values.root_module.resources ?? []).filter((r) => r.type === type);
  expect(planned("aws_api_gateway_method")).toHaveLength(STATED_SCALE.operations + 2);
  // Per client: its registry entry, and its app client secret for the token endpoint.
  expect(planned("aws_ssm_parameter")).toHaveLength(2 * STATED_SCALE.machineClients);
  expect(planned("aws_lambda_function").map((f) => f.values.function_name)).toContain(`${STACK_NAME}-token-endpoint`);
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
  const entries = all("aws_ssm_parameter").filter((parameter) => parameter.type === "String");
  expect(entries).toHaveLength(STATED_SCALE.machineClients);
  for (const parameter of entries) {
    const value = registryValueAtItsLongest(parameter.insecure_value);
    expect(Object.keys(value.tokenEndpoint).length).toBeGreaterThanOrEqual(3); // each entry holds its client's registration
    expect(Buffer.byteLength(JSON.stringify(value))).toBeLessThanOrEqual(AWS_QUOTAS.ssmStandardParameterBytes.value);
  }
  // The token function's environment names the registry's path, never a client: it does not grow with them.
  const tokenFunction = all("aws_lambda_function").find((fn) => fn.function_name === `${STACK_NAME}-token-endpoint`);
  expect(JSON.stringify(tokenFunction.environment)).not.toContain("aws_cognito_user_pool_client");
});

/**
 * A registry parameter's value, `${jsonencode({"clientId" = <reference>, "x5t#S256" = "…", "tokenEndpoint" = {…}})}`,
 * as the JSON Terraform writes, with the client id (known after apply) at its longest: 128 characters.
 */
function registryValueAtItsLongest(expression: string): any {
  const hcl = /^\$\{jsonencode\((.*)\)\}$/s.exec(expression)![1];
  return JSON.parse(hcl.replace(/aws_cognito_user_pool_client\.[\w-]+\.id/, JSON.stringify("x".repeat(128))).replace(/" = /g, '": '));
}

it("keeps each role's inline policies within IAM's 10,240 characters: grants name paths, not clients", () => {
  // A policy is a data source's document, a jsonencode() expression or literal JSON. Each reference (an ARN,
  // a key id, a variable) counted at 256 characters: twice an SSM parameter ARN of this stack.
  const documents = json.data.aws_iam_policy_document as Record<string, any>;
  const sizeOf = (policy: string) => {
    const document = /^\$\{data\.aws_iam_policy_document\.([\w-]+)\.json\}$/.exec(policy);
    const text = document ? JSON.stringify(documents[document[1]]) : policy.replace(/^\$\{jsonencode\((.*)\)\}$/s, "$1");
    return text.replace(/\$\{[^}]*\}|\b(?:data\.)?(?:aws_[\w-]+|var)\.[\w.[\]*-]+/g, "r".repeat(256)).replace(/\s/g, "").length;
  };
  const byRole = new Map<string, number>();
  for (const policy of all("aws_iam_role_policy")) byRole.set(policy.role, (byRole.get(policy.role) ?? 0) + sizeOf(policy.policy));
  const tokenRole = [...byRole.keys()].find((role) => role.includes("token-endpoint_function_role"))!;
  expect(tokenRole).toBeDefined();
  for (const [role, characters] of byRole) expect([role, characters <= AWS_QUOTAS.iamRolePolicyCharacters.value]).toEqual([role, true]);
});

it("stays within the REST API and Cognito quotas", () => {
  expect(all("aws_api_gateway_resource").length).toBeLessThanOrEqual(AWS_QUOTAS.resourcesPerApi.value);
  expect(all("aws_cognito_user_pool_client").length).toBeLessThanOrEqual(AWS_QUOTAS.cognitoAppClientsPerPool.value);
  for (const client of all("aws_cognito_user_pool_client")) expect((client.allowed_oauth_scopes ?? []).length).toBeLessThanOrEqual(AWS_QUOTAS.cognitoScopesPerAppClient.value);
  const [server] = all("aws_cognito_resource_server");
  expect(server.scope.length).toBeLessThanOrEqual(AWS_QUOTAS.cognitoScopesPerResourceServer.value);
  for (const scope of server.scope) expect(scope.scope_description.length).toBeLessThanOrEqual(AWS_QUOTAS.cognitoScopeDescriptionCharacters.value);
});
