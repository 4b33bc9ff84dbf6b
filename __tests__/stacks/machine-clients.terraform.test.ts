/**
 * A stack with machine clients against the real AWS provider (hashicorp/aws 5.100.0), offline:
 * terraform validate, a plan whose resources, permissions and outputs are checked, the domain
 * prefix rules, and the plan summary's security rows on it.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { summarizePlan } from "../../review/plan-summary";
import { STACK_NAME } from "../../stacks/stack-name";
import { createCa, issueClientCert } from "../support/certificates";
import { assertTerraformAvailable, OfflineTerraform, PROJECT_ROOT, synthApp, TEST_REGION, TEST_TFVARS, type PlanJson, type PlannedResource } from "../support/terraform";

const FINGERPRINT = "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU";
let terraform: OfflineTerraform;
let plan: PlanJson;
let partnerX5t: string;

beforeAll(async () => {
  assertTerraformAvailable();
  const dir = mkdtempSync(join(tmpdir(), "cbat-machine-tf-"));
  const partner = await issueClientCert(await createCa(), "CN=partner-a,O=cbat tests", "ecdsa");
  partnerX5t = createHash("sha256").update(partner.der).digest("base64url");
  writeFileSync(join(dir, "partner-a.pem"), partner.pem);
  writeFileSync(join(dir, "cbat.config.json"), JSON.stringify({
    api: { openapi: join(PROJECT_ROOT, "examples", "accounts-api.yaml"), handlersDir: join(PROJECT_ROOT, "handlers"), resourceServer: "accounts" },
    machineClients: { "partner-a": { certificate: "partner-a.pem", scopes: ["accounts/read"] }, billing: { fingerprint: FINGERPRINT, scopes: ["accounts/write"] } },
  }));
  terraform = new OfflineTerraform(join(synthApp(PROJECT_ROOT, { CBAT_CONFIG: join(dir, "cbat.config.json") }), "stacks", STACK_NAME));
  terraform.ok("init", "-input=false");
  plan = terraform.planJson(terraform.writeVars("machine.tfvars.json", { ...TEST_TFVARS, user_pool_domain_prefix: "acme-api-auth" }));
}, 180_000);

const resources = (type: string): PlannedResource[] => (plan.planned_values.root_module.resources ?? []).filter((r) => r.type === type);
const configured = (type: string) => (plan.configuration.root_module.resources ?? []).filter((r) => r.type === type);

it("validates against the provider schema", () => {
  expect(JSON.parse(terraform.ok("validate", "-json"))).toMatchObject({ valid: true, error_count: 0 });
});

it("plans the resource server with the document's and the clients' scopes, and the domain", () => {
  const [server] = resources("aws_cognito_resource_server");
  expect(server.values.identifier).toBe("accounts");
  expect(server.values.scope.map((s: any) => s.scope_name).sort()).toEqual(["invoke", "read", "write"]);
  expect(resources("aws_cognito_user_pool_domain").map((d) => d.values.domain)).toEqual(["acme-api-auth"]);
});

it("plans confidential client_credentials clients with generated secrets and only their scopes", () => {
  const machine = resources("aws_cognito_user_pool_client").filter((c) => c.values.generate_secret === true);
  expect(machine.map((c) => [c.values.name, [...c.values.allowed_oauth_scopes].sort()]).sort()).toEqual([
    [`${STACK_NAME}-billing`, ["accounts/invoke", "accounts/write"]],
    [`${STACK_NAME}-partner-a`, ["accounts/invoke", "accounts/read"]],
  ]);
  for (const client of machine) {
    expect(client.values).toMatchObject({ allowed_oauth_flows: ["client_credentials"], allowed_oauth_flows_user_pool_client: true, explicit_auth_flows: ["ALLOW_REFRESH_TOKEN_AUTH"], write_attributes: ["email"] });
  }
  expect(resources("aws_cognito_user_pool")[0].values.lambda_config[0].pre_token_generation_config[0].lambda_version).toBe("V3_0");
});

it("writes the registry from the configured certificates, and the trigger may read exactly its path", () => {
  const parameters = configured("aws_ssm_parameter");
  expect(parameters).toHaveLength(2);
  // The ids are known after apply; the thumbprints are in the expressions.
  expect(JSON.stringify(parameters.map((p) => p.expressions.insecure_value))).toContain(partnerX5t);
  expect(JSON.stringify(parameters.map((p) => p.expressions.insecure_value))).toContain(FINGERPRINT);
  // Two readers of the registry: the trigger (binds tokens) and the authorizer (finds machine clients).
  const policies = configured("aws_iam_role_policy").filter((p) => p.address.includes("read-bindings"));
  const triggerPolicy = policies.find((p) => p.expressions.role.references.some((r: string) => /^aws_iam_role\.pre-token-generation_role/.test(r)))!;
  expect(triggerPolicy).toBeDefined();
  const read = configured("aws_iam_policy_document").find((d) => triggerPolicy.expressions.policy.references.some((r: string) => r.startsWith(d.address.replace(/^data\./, "data."))))!;
  expect(read.expressions.statement).toHaveLength(1);
  const [statement] = read.expressions.statement;
  expect(statement.effect.constant_value).toBe("Allow");
  expect(statement.actions.constant_value).toEqual(["ssm:GetParameter"]);
  expect(statement.resources.references).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_ssm_parameter\..*\.arn$/)]));
  // Nowhere else: the only statements that name SSM read the registry's parameters, GetParameter alone.
  const ssmStatements = configured("aws_iam_policy_document").flatMap((d) => d.expressions.statement).filter((s: any) => JSON.stringify(s.actions).includes("ssm:"));
  expect(ssmStatements).toHaveLength(policies.length);
  for (const ssm of ssmStatements) expect(ssm.actions.constant_value).toEqual(["ssm:GetParameter"]);
});

it("outputs machine_client_ids and token_endpoint", () => {
  const outputs = (plan as any).planned_values.outputs;
  expect(outputs.token_endpoint.value).toBe(`https://acme-api-auth.auth.${TEST_REGION}.amazoncognito.com/oauth2/token`);
  const change = (plan as any).output_changes.machine_client_ids;
  expect(Object.keys(change.after_unknown).sort()).toEqual(["billing", "partner-a"]); // the ids: known after apply
});

it("shows each client's bound thumbprint in the plan before its id exists, and plan:summary's Machine clients table", () => {
  const outputs = (plan as any).planned_values.outputs;
  // Known at plan time (the registry's SSM value is not: it holds the client id).
  expect(outputs.machine_client_bindings.value).toEqual({
    // accounts/invoke: the scope every machine client gets to call the API at all (see machine-client-config.ts).
    billing: { scopes: ["accounts/invoke", "accounts/write"], x5t_s256: FINGERPRINT },
    "partner-a": { scopes: ["accounts/invoke", "accounts/read"], x5t_s256: partnerX5t },
  });
  expect((plan as any).output_changes.machine_client_bindings.after_unknown).toBe(false);
  const markdown = summarizePlan(plan, STACK_NAME).markdown;
  expect(markdown).toContain("### Machine clients");
  expect(markdown).toContain(`| \`billing\` | \`accounts/invoke\` \`accounts/write\` | \`${FINGERPRINT}\` | new |`);
  expect(markdown).toContain(`| \`partner-a\` | \`accounts/invoke\` \`accounts/read\` | \`${partnerX5t}\` | new |`);
});

it("passes every security row of the plan summary, the V3_0 trigger included", () => {
  const summary = summarizePlan(plan, STACK_NAME);
  expect(summary.security.filter((row) => !row.ok)).toEqual([]);
  expect(summary.markdown).toMatch(/\| pre token generation trigger V3_0[^|]*\| ✅ \| V3_0 \|/);
});

const FORMAT = "user_pool_domain_prefix must be 1-63 lowercase letters, digits or hyphens, not starting or ending with a hyphen";
const RESERVED = 'user_pool_domain_prefix must not contain "aws", "amazon" or "cognito"';
it.each([
  ["absent", {}, ["user_pool_domain_prefix is required: this stack has machine clients"], [FORMAT, RESERVED]],
  ["-cognito-", { user_pool_domain_prefix: "-cognito-" }, [FORMAT, RESERVED], ["is required"]],
  ["Acme_Auth (upper case, '_')", { user_pool_domain_prefix: "Acme_Auth" }, [FORMAT], [RESERVED]],
  ["awsome", { user_pool_domain_prefix: "awsome" }, [RESERVED], [FORMAT]],
])("refuses user_pool_domain_prefix %s at plan time, as Cognito would", (_name, vars, messages, notMessages) => {
  const result = terraform.run("plan", "-refresh=false", "-lock=false", "-input=false", `-var-file=${terraform.writeVars(`prefix-${Math.random().toString(36).slice(2)}.json`, { ...TEST_TFVARS, ...vars })}`);
  expect(result.status).not.toBe(0);
  const errors = result.stderr.replace(/\s+/g, " ");
  for (const message of messages) expect(errors).toContain(message);
  for (const message of notMessages) expect(errors).not.toContain(message);
});
