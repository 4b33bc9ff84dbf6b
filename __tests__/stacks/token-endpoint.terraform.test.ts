/**
 * The mTLS token endpoint against the real AWS provider (hashicorp/aws 5.100.0), offline:
 * terraform validate and a plan with a tls_client_auth and a pinned client. Checked: the
 * function and its configuration, the two routes without the authorizer, IAM on exactly the
 * secret read (its parameters, its key through SSM only) and the voucher key (generate for the
 * function, verify for the trigger, nobody else), its throttling, metric filter and alarms, the
 * outputs, and plan:summary's view of it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { summarizePlan } from "../../review/plan-summary";
import { STACK_NAME } from "../../stacks/stack-name";
import { assertTerraformAvailable, OfflineTerraform, PROJECT_ROOT, synthApp, TEST_TFVARS, type PlanJson, type PlannedResource } from "../support/terraform";

const FINGERPRINT = "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU";
let dir: string;
let terraform: OfflineTerraform;
let plan: PlanJson;

beforeAll(() => {
  assertTerraformAvailable();
  dir = mkdtempSync(join(tmpdir(), "cbat-token-endpoint-tf-"));
  writeFileSync(join(dir, "cbat.config.json"), JSON.stringify({
    api: { openapi: join(PROJECT_ROOT, "examples", "accounts-api.yaml"), handlersDir: join(PROJECT_ROOT, "handlers"), resourceServer: "accounts" },
    machineClients: {
      "partner-a": { tokenEndpointAuthMethod: "tls_client_auth", subjectDn: "CN=payments,O=Partner A,C=GB", issuerDn: "CN=Partner CA,O=Partner A", scopes: ["accounts/read"] },
      billing: { tokenEndpointAuthMethod: "self_signed_tls_client_auth", fingerprint: FINGERPRINT, scopes: ["accounts/write"] },
    },
  }));
  terraform = new OfflineTerraform(join(synthApp(PROJECT_ROOT, { CBAT_CONFIG: join(dir, "cbat.config.json") }), "stacks", STACK_NAME));
  terraform.ok("init", "-input=false");
  plan = terraform.planJson(terraform.writeVars("token.tfvars.json", { ...TEST_TFVARS, user_pool_domain_prefix: "acme-api-auth" }));
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const resources = (type: string): PlannedResource[] => (plan.planned_values.root_module.resources ?? []).filter((r) => r.type === type);
const configured = (address: string) => (plan.configuration.root_module.resources ?? []).find((r) => r.address === address)!;
const configuredOfType = (type: string) => (plan.configuration.root_module.resources ?? []).filter((r) => r.type === type);
const statementsOf = (policyName: string) => {
  const policy = resources("aws_iam_role_policy").find((p) => p.values.name === policyName)!;
  const documentAddress = configured(policy.address).expressions.policy.references[0].replace(/\.json$/, "");
  return configured(documentAddress).expressions.statement as any[];
};
const refs = (expression: any): string[] => expression?.references ?? [];

it("validates against the provider schema", () => {
  expect(JSON.parse(terraform.ok("validate", "-json"))).toMatchObject({ valid: true, error_count: 0 });
});

it("plans the token function with the registry's path, the pool, Cognito's endpoint and the CRL settings; no client in its environment", () => {
  const fn = resources("aws_lambda_function").find((f) => f.values.function_name === `${STACK_NAME}-token-endpoint`)!;
  // Known only after apply (key ARN, pool id): read from the configuration.
  const expression = JSON.stringify(configured(fn.address).expressions.environment[0].variables);
  expect(expression).toContain(`"MACHINE_BINDINGS_PATH":"/${STACK_NAME}/machine-client-bindings/"`);
  for (const name of ["PUBLIC_BASE_URL", "USER_POOL_ID", "COGNITO_TOKEN_ENDPOINT", "CLIENT_SECRET_PARAMETER_PREFIX", "VOUCHER_KEY_ID", "CRL_KEY", "TRUSTSTORE_BUCKET"]) expect(expression).toContain(name);
  expect(expression).toContain("var.custom_domain_name");
  expect(expression).toMatch(/aws_kms_key\.voucher-key_[0-9A-F]{8}\.arn/);
  // The registrations are in the registry, not the environment: it does not grow with the clients.
  expect(expression).not.toContain("TOKEN_CLIENTS");
  expect(expression).not.toContain("aws_cognito_user_pool_client");
  expect(expression).not.toContain("CN=payments");
});

it("writes each client's registration beside its binding in its registry entry, and the token function may read exactly the registry's path", () => {
  const entries = configuredOfType("aws_ssm_parameter").filter((p) => p.expressions.type.constant_value === "String");
  expect(entries).toHaveLength(2);
  // The ids are known after apply: the constants are in the configuration (jsonencode of the entry).
  const text = JSON.stringify(entries.map((p) => p.expressions.insecure_value));
  expect(text).toMatch(/tokenEndpoint.*CN=payments,O=Partner A,C=GB/);
  expect(text).toContain("CN=Partner CA,O=Partner A");
  expect(text).toContain("tls_client_auth");
  expect(text).toContain("self_signed_tls_client_auth");
  const policy = configuredOfType("aws_iam_role_policy").find((p) => p.expressions.name.constant_value === "read-machine-client-bindings" && /^aws_iam_role\.token-endpoint_function_role_/.test(refs(p.expressions.role)[0]))!;
  const document = configured(refs(policy.expressions.policy)[0].replace(/\.json$/, ""));
  expect(document.expressions.statement).toHaveLength(1);
  const [statement] = document.expressions.statement;
  expect([statement.effect.constant_value, statement.actions.constant_value]).toEqual(["Allow", ["ssm:GetParameter"]]);
  // One resource: a registry parameter's ARN with its last segment (the client id) as "*", as the trigger's.
  expect(refs(statement.resources)).toContainEqual(expect.stringMatching(/^aws_ssm_parameter\.machine-clients_binding-client-[a-z-]+-[0-9a-f]{8}_[0-9A-F]{8}\.arn$/));
});

it("serves POST /oauth2/token and GET /.well-known/oauth-authorization-server without the authorizer; every other method keeps it", () => {
  const methods = resources("aws_api_gateway_method");
  const open = methods.filter((m) => m.values.authorization !== "CUSTOM");
  expect(open.map((m) => [m.values.http_method, m.values.authorization]).sort()).toEqual([["GET", "NONE"], ["POST", "NONE"]]);
  expect(resources("aws_api_gateway_resource").map((r) => r.values.path_part)).toEqual(expect.arrayContaining(["oauth2", "token", ".well-known", "oauth-authorization-server"]));
  expect(resources("aws_lambda_permission").filter((p) => p.values.function_name === `${STACK_NAME}-token-endpoint`)).toHaveLength(2);
});

it("keeps each client secret in a SecureString under a key of its own, readable by the token function alone", () => {
  const secrets = resources("aws_ssm_parameter").filter((p) => p.values.type === "SecureString");
  expect(secrets.map((p) => p.values.name).sort()).toEqual([`/${STACK_NAME}/token-endpoint/client-secret/billing`, `/${STACK_NAME}/token-endpoint/client-secret/partner-a`]);
  for (const secret of secrets) expect(refs(configured(secret.address).expressions.key_id)).toContainEqual(expect.stringMatching(/^aws_kms_key\.token-endpoint_secrets-key_/));
  const statements = statementsOf("read-machine-client-secrets");
  expect(statements.map((s) => s.actions.constant_value)).toEqual([["ssm:GetParameter"], ["kms:Decrypt"]]);
  // Exactly the secrets' path: one resource, the ARN of a secret with its last segment (the client name) as "*".
  expect(statements[0].resources.references).toContainEqual(expect.stringMatching(/^aws_ssm_parameter\.token-endpoint_secret-[a-z-]+_[0-9A-F]{8}\.arn$/));
  expect(JSON.stringify(statements[0].resources)).not.toMatch(/"\*"/);
  expect(refs(statements[1].resources)).toContainEqual(expect.stringMatching(/^aws_kms_key\.token-endpoint_secrets-key_[0-9A-F]{8}\.arn$/));
  expect(statements[1].condition[0]).toMatchObject({ test: { constant_value: "StringEquals" }, variable: { constant_value: "kms:ViaService" } });
  // No other role may read the secrets: no other policy names them or their key.
  const secretsKey = resources("aws_kms_key").find((k) => k.address.includes("secrets-key"))!.address;
  const readers = configuredOfType("aws_iam_policy_document").filter((d) => JSON.stringify(d.expressions).includes(secretsKey) || JSON.stringify(d.expressions).includes("client-secret"));
  expect(readers).toHaveLength(1);
});

it("lets the token function generate and the trigger verify voucher MACs, with an HMAC key, and nobody else use it", () => {
  const [voucherKey] = resources("aws_kms_key").filter((k) => k.values.key_usage === "GENERATE_VERIFY_MAC");
  expect(voucherKey.values.customer_master_key_spec).toBe("HMAC_256");
  expect(statementsOf("generate-voucher-macs").map((s) => [s.actions.constant_value, refs(s.resources)[0]])).toEqual([[["kms:GenerateMac"], `${voucherKey.address}.arn`]]);
  expect(statementsOf("verify-voucher-macs").map((s) => [s.actions.constant_value, refs(s.resources)[0]])).toEqual([[["kms:VerifyMac"], `${voucherKey.address}.arn`]]);
  const generate = resources("aws_iam_role_policy").find((p) => p.values.name === "generate-voucher-macs")!;
  const verify = resources("aws_iam_role_policy").find((p) => p.values.name === "verify-voucher-macs")!;
  expect(refs(configured(generate.address).expressions.role)[0]).toMatch(/^aws_iam_role\.token-endpoint_function_role_/);
  expect(refs(configured(verify.address).expressions.role)[0]).toMatch(/^aws_iam_role\.pre-token-generation_role_/);
  const users = configuredOfType("aws_iam_policy_document").filter((d) => JSON.stringify(d.expressions).includes(voucherKey.address));
  expect(users).toHaveLength(2);
});

it("throttles POST /oauth2/token on its own, counts its decisions and alarms on a burst of invalid_client", () => {
  const settings = resources("aws_api_gateway_method_settings").find((s) => s.values.method_path === "~1oauth2~1token/POST")!;
  expect(settings.values.settings[0]).toMatchObject({ throttling_rate_limit: 10, throttling_burst_limit: 20, logging_level: "OFF", data_trace_enabled: false });
  const [filter] = resources("aws_cloudwatch_log_metric_filter").filter((f) => f.values.name === `${STACK_NAME}-token-endpoint-decisions`);
  expect(filter.values.pattern).toBe('{ $.message = "token endpoint decision" }');
  expect(filter.values.metric_transformation[0]).toMatchObject({ namespace: "CertBoundApi", name: "TokenRequests", dimensions: { Reason: "$.reason" } });
  const alarm = resources("aws_cloudwatch_metric_alarm").find((a) => a.values.alarm_name === `${STACK_NAME}-token-invalid-client`)!;
  expect(alarm.values).toMatchObject({ metric_name: "TokenRequests", dimensions: { Reason: "invalid_client" }, threshold: 10, period: 300 });
});

it("outputs the mTLS token endpoint and each client's method", () => {
  expect((plan.planned_values as any).outputs.mtls_token_endpoint.value).toBe(`https://${TEST_TFVARS.custom_domain_name}/oauth2/token`);
  expect((plan.planned_values as any).outputs.machine_client_auth_methods.value).toEqual({ "partner-a": "tls_client_auth", billing: "self_signed_tls_client_auth" });
});

it("plan:summary accepts the token endpoint's two methods without authorizer, and only those", () => {
  const summary = summarizePlan(plan).markdown;
  expect(summary).toMatch(/\| every method behind the certificate-bound authorizer \| ✅ \| 5 of 5 methods: authorization CUSTOM; 2 of the mTLS token endpoint without it/);
});
