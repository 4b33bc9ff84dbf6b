/**
 * The stack with machine clients, synthesized: resource server, domain, confidential
 * client_credentials clients, the binding registry (SSM) and the trigger's permission to read
 * exactly it, the V3_0 trigger and the authorizer's client list, outputs. And without machine
 * clients: none of it.
 */
import "cdktf/lib/testing/adapters/jest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing } from "cdktf";
import { readStackConfig } from "../../local/stack-config";
import { parseApiDocument } from "../../stacks/api-document";
import { CertBoundApiStack } from "../../stacks/cert-bound-api-stack";
import type { MachineClientDefinition } from "../../stacks/machine-client-definition";
import { STACK_NAME } from "../../stacks/stack-name";

const X5T_A = "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg";
const X5T_B = "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU";
const DOCUMENT = JSON.stringify({
  openapi: "3.0.3",
  info: { title: "Accounts", version: "1" },
  security: [{ certificateBound: ["accounts/read"] }],
  paths: {
    "/accounts/{id}": { get: { "x-cbat-handler": "accounts" }, put: { security: [{ certificateBound: ["accounts/write"] }], "x-cbat-handler": "accounts" } },
    "/legacy": { get: { security: [{ certificateBound: ["legacy:read"] }], "x-cbat-handler": "example" } },
  },
});
const CLIENTS: MachineClientDefinition[] = [
  { name: "partner-a", x5tS256: X5T_A, scopes: ["accounts/invoke", "accounts/read"] },
  { name: "billing", x5tS256: X5T_B, scopes: ["accounts/invoke", "accounts/write"] },
];

function synth(machineClients?: readonly MachineClientDefinition[]): Record<string, any> {
  const api = parseApiDocument(DOCUMENT, "accounts.json", { auditors: ["accounts/audit"] }, { resourceServer: "accounts" });
  return JSON.parse(Testing.synth(new CertBoundApiStack(Testing.app(), STACK_NAME, { api, machineClients })));
}
const only = (json: Record<string, any>, type: string) => {
  const found = Object.values<any>(json.resource[type] ?? {});
  expect(found).toHaveLength(1);
  return found[0];
};

describe("with machine clients", () => {
  let json: Record<string, any>;
  beforeAll(() => {
    json = synth(CLIENTS);
  });
  const clients = () => Object.values<any>(json.resource.aws_cognito_user_pool_client).filter((c) => c.generate_secret === true);
  const functionOf = (name: string) => Object.values<any>(json.resource.aws_lambda_function).find((f) => f.function_name === `${STACK_NAME}-${name}`);

  it("declares every <identifier>/<name> scope of the document, the groups and the clients, plus invoke", () => {
    const server = only(json, "aws_cognito_resource_server");
    expect(server).toMatchObject({ identifier: "accounts", user_pool_id: expect.stringMatching(/^\$\{aws_cognito_user_pool\./) });
    expect(server.scope.map((s: any) => s.scope_name)).toEqual(["audit", "invoke", "read", "write"]); // not legacy:read: only groups could grant it
    for (const scope of server.scope) expect(scope.scope_description.length).toBeGreaterThan(0);
  });

  it("gives the pool a domain named by user_pool_domain_prefix, and requires that variable", () => {
    expect(only(json, "aws_cognito_user_pool_domain")).toMatchObject({ domain: "${var.user_pool_domain_prefix}" });
    expect(json.variable.user_pool_domain_prefix.validation.map((v: any) => v.condition)).toContain("${var.user_pool_domain_prefix != null}");
  });

  it("makes each a confidential client_credentials client with only its scopes, no user flow, no binding write", () => {
    const byName = Object.fromEntries(clients().map((c) => [c.name, c]));
    expect(Object.keys(byName).sort()).toEqual([`${STACK_NAME}-billing`, `${STACK_NAME}-partner-a`]);
    expect(byName[`${STACK_NAME}-partner-a`]).toMatchObject({
      generate_secret: true,
      allowed_oauth_flows: ["client_credentials"],
      allowed_oauth_flows_user_pool_client: true,
      allowed_oauth_scopes: ["accounts/invoke", "accounts/read"],
      explicit_auth_flows: ["ALLOW_REFRESH_TOKEN_AUTH"],
      write_attributes: ["email"],
      access_token_validity: "${var.access_token_validity_minutes}",
      depends_on: [expect.stringMatching(/^aws_cognito_resource_server\./)],
    });
    expect(byName[`${STACK_NAME}-billing`].allowed_oauth_scopes).toEqual(["accounts/invoke", "accounts/write"]);
    // The user client stays as it was.
    const user = Object.values<any>(json.resource.aws_cognito_user_pool_client).find((c) => c.generate_secret === false);
    expect(user.allowed_oauth_flows).toBeUndefined();
  });

  it("writes the binding registry: one SSM String parameter per client, {clientId, x5t#S256}, under the stack's path", () => {
    // The SecureStrings are the token endpoint's client secrets (__tests__/stacks/token-endpoint.terraform.test.ts).
    const parameters = Object.values<any>(json.resource.aws_ssm_parameter).filter((p) => p.type === "String");
    expect(parameters).toHaveLength(2);
    const ids = Object.keys(json.resource.aws_cognito_user_pool_client).filter((id) => json.resource.aws_cognito_user_pool_client[id].generate_secret === true);
    for (const [name, x5t] of [["partner-a", X5T_A], ["billing", X5T_B]]) {
      const clientId = ids.find((id) => id.includes(name))!;
      const parameter = parameters.find((p) => p.name === `/${STACK_NAME}/machine-client-bindings/\${aws_cognito_user_pool_client.${clientId}.id}`);
      expect(parameter).toMatchObject({ type: "String", tier: "Standard" });
      expect(parameter.insecure_value).toBe(`\${jsonencode({"clientId" = aws_cognito_user_pool_client.${clientId}.id, "x5t#S256" = "${x5t}"})}`);
    }
  });

  it("lets the trigger read exactly that path, and tells it the path (a literal: no dependency cycle)", () => {
    const trigger = functionOf("pre-token-generation");
    expect(trigger.environment.variables.MACHINE_BINDINGS_PATH).toBe(`/${STACK_NAME}/machine-client-bindings/`);
    const triggerRole = trigger.role.replace(/^\$\{aws_iam_role\.(.+)\.arn\}$/, "$1");
    const policies = Object.values<any>(json.resource.aws_iam_role_policy).filter((p) => p.role === `\${aws_iam_role.${triggerRole}.id}`);
    // write-xray-traces exists with count 0 unless xray_tracing_enabled (issue 15).
    // No verify-voucher-macs: no client here names a tokenEndpointAuthMethod, so there is no mTLS token endpoint
    // (__tests__/stacks/token-endpoint.terraform.test.ts has one).
    expect(policies.map((p) => p.name).sort()).toEqual(["read-machine-client-bindings", "write-own-logs", "write-xray-traces"]);
    // No other policy of the role names SSM.
    const ssmPolicies = policies.filter((p) => JSON.stringify(json.data.aws_iam_policy_document[p.policy.replace(/^\$\{data\.aws_iam_policy_document\.(.+)\.json\}$/, "$1")] ?? {}).includes("ssm:"));
    expect(ssmPolicies.map((p) => p.name)).toEqual(["read-machine-client-bindings"]);
    const readPolicy = policies.find((p) => p.name === "read-machine-client-bindings");
    const document = json.data.aws_iam_policy_document[readPolicy.policy.replace(/^\$\{data\.aws_iam_policy_document\.(.+)\.json\}$/, "$1")];
    const parameterId = Object.keys(json.resource.aws_ssm_parameter).find((id) => id.includes("partner-a"));
    // The first client's parameter's own ARN (this account, this Region) with the client id as "*": the path, nothing else.
    expect(document.statement).toEqual([{ effect: "Allow", actions: ["ssm:GetParameter"], resources: [`\${replace(aws_ssm_parameter.${parameterId}.arn, "/[^/]+$/", "*")}`] }]);
    expect(json.resource.aws_iam_role[triggerRole].description).toContain("reads the machine-client binding registry");
  });

  it("runs the trigger as V3_0 and lets the authorizer accept the machine clients' tokens", () => {
    expect(only(json, "aws_cognito_user_pool").lambda_config.pre_token_generation_config.lambda_version).toBe("V3_0");
    const variables = functionOf("authorizer").environment.variables;
    // Machine clients are found through the registry's path (500 ids would not fit Lambda's 4 KB environment).
    expect(variables.MACHINE_CLIENT_IDS).toBeUndefined();
    expect(variables.MACHINE_BINDINGS_PATH).toBe(`/${STACK_NAME}/machine-client-bindings/`);
    expect(variables.USER_POOL_CLIENT_ID).toMatch(/^\$\{aws_cognito_user_pool_client\.user-pool_client/);
  });

  it("outputs the client ids by name and the token endpoint, never a secret", () => {
    expect(Object.keys(json.output.machine_client_ids.value).sort()).toEqual(["billing", "partner-a"]);
    expect(json.output.machine_client_ids.value["partner-a"]).toMatch(/^\$\{aws_cognito_user_pool_client\..*partner-a.*\.id\}$/);
    expect(json.output.token_endpoint.value).toMatch(/^https:\/\/\$\{aws_cognito_user_pool_domain\.[^}]+\.domain\}\.auth\.\$\{data\.aws_region\.[^}]+\.name\}\.amazoncognito\.com\/oauth2\/token$/);
    expect(JSON.stringify(json.output)).not.toMatch(/client_secret/);
  });
});

describe("without machine clients", () => {
  it("has no resource server, domain, registry or machine client, and an empty machine_client_ids", () => {
    const json = synth();
    for (const type of ["aws_cognito_resource_server", "aws_cognito_user_pool_domain", "aws_ssm_parameter"]) expect(json.resource[type]).toBeUndefined();
    expect(Object.keys(json.resource.aws_cognito_user_pool_client)).toHaveLength(1);
    expect(json.output.machine_client_ids.value).toEqual({});
    expect(json.output.token_endpoint).toBeUndefined();
    const variables = Object.values<any>(json.resource.aws_lambda_function).map((f) => f.environment.variables);
    for (const v of variables) expect(v.MACHINE_CLIENT_IDS ?? v.MACHINE_BINDINGS_PARAMETER).toBeUndefined();
    expect(json.variable.user_pool_domain_prefix.validation).toHaveLength(2); // format only: not required
  });
});

describe("the user's identifier and scopes reach Terraform literally", () => {
  it("escapes ${ and %{ in the resource server, the scope names and the clients' scopes; npm run local reads them back", () => {
    const api = parseApiDocument(JSON.stringify({ openapi: "3.0.3", info: { title: "t", version: "1" }, paths: { "/x": { get: { "x-cbat-handler": "example" } } } }), "t.json", {}, { resourceServer: "api${path.cwd}" });
    const client = { name: "c", x5tS256: X5T_A, scopes: ["api${path.cwd}/invoke", "api${path.cwd}/%{x}"] };
    const stack = new CertBoundApiStack(Testing.app(), STACK_NAME, { api, machineClients: [client] });
    const json = JSON.parse(Testing.synth(stack));
    const server = only(json, "aws_cognito_resource_server");
    expect(server.identifier).toBe("api$${path.cwd}");
    expect(server.scope.map((s: any) => s.scope_name).sort()).toEqual(["%%{x}", "invoke"]);
    const machine = Object.values<any>(json.resource.aws_cognito_user_pool_client).find((c) => c.generate_secret === true);
    expect(machine.allowed_oauth_scopes).toEqual(["api$${path.cwd}/invoke", "api$${path.cwd}/%%{x}"]);
    // What Terraform will make of it, as npm run local reads it.
    const dir = mkdtempSync(join(tmpdir(), "cbat-literal-"));
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(json));
    expect(readStackConfig(join(dir, "cdk.tf.json")).resourceServer).toEqual({ identifier: "api${path.cwd}", scopes: expect.arrayContaining(["api${path.cwd}/%{x}"]) });
  });
});
