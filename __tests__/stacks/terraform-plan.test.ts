/**
 * The synthesized stack against the real AWS provider schema (hashicorp/aws 5.100.0):
 * terraform init from the local mirror, validate, and offline plans whose planned values
 * are checked for every security-relevant setting.
 */
import { join } from "node:path";
import { summarizePlan } from "../../review/plan-summary";
import { STACK_NAME } from "../../stacks/stack-name";
import {
  assertTerraformAvailable, OfflineTerraform, synthApp, TEST_REGION, TEST_TFVARS, type PlanJson, type PlannedResource,
} from "../support/terraform";

let terraform: OfflineTerraform;
let plan: PlanJson;

beforeAll(() => {
  assertTerraformAvailable();
  terraform = new OfflineTerraform(join(synthApp(), "stacks", STACK_NAME));
  terraform.ok("init", "-input=false");
  plan = terraform.planJson(terraform.writeVars("test.tfvars.json", TEST_TFVARS));
}, 180_000);

const resources = (p: PlanJson, type: string): PlannedResource[] =>
  (p.planned_values.root_module.resources ?? []).filter((r) => r.type === type);
const only = (p: PlanJson, type: string): PlannedResource => {
  const found = resources(p, type);
  expect(found).toHaveLength(1);
  return found[0];
};

it("validates against the provider schema", () => {
  const result = JSON.parse(terraform.ok("validate", "-json"));
  expect(result).toMatchObject({ valid: true, error_count: 0 });
});

it("plans every resource the SAM original creates, and nothing is replaced or destroyed", () => {
  const counts: Record<string, number> = {};
  for (const r of plan.planned_values.root_module.resources ?? []) counts[r.type] = (counts[r.type] ?? 0) + 1;
  expect(counts).toMatchObject({
    aws_lambda_function: 3, aws_iam_role: 4, aws_iam_role_policy: 3, aws_cloudwatch_log_group: 4,
    aws_cognito_user_pool: 1, aws_cognito_user_pool_client: 1,
    aws_api_gateway_rest_api: 1, aws_api_gateway_authorizer: 1, aws_api_gateway_resource: 1, aws_api_gateway_method: 1,
    aws_api_gateway_integration: 1, aws_api_gateway_deployment: 1, aws_api_gateway_stage: 1, aws_api_gateway_gateway_response: 2,
    aws_api_gateway_domain_name: 1, aws_api_gateway_base_path_mapping: 1, aws_lambda_permission: 3,
    // Running it in production (operations-plan.test.ts has the details):
    aws_api_gateway_account: 1, aws_iam_role_policy_attachment: 1, aws_api_gateway_method_settings: 1,
    aws_cloudwatch_log_metric_filter: 4, aws_cloudwatch_metric_alarm: 6, aws_cloudwatch_dashboard: 1,
  });
  expect(counts.aws_route53_record).toBeUndefined(); // no hosted zone given
  const managed = plan.resource_changes.filter((c) => c.mode === "managed");
  expect(managed.length).toBeGreaterThan(25);
  for (const change of managed) expect(change.change.actions).toEqual(["create"]);
});

it("never caches authorizer results (a cached Allow would ignore the certificate)", () => {
  expect(only(plan, "aws_api_gateway_authorizer").values).toMatchObject({
    type: "REQUEST",
    identity_source: "method.request.header.Authorization",
    authorizer_result_ttl_in_seconds: 0,
  });
  expect(only(plan, "aws_api_gateway_method").values).toMatchObject({ http_method: "GET", authorization: "CUSTOM" });
  expect(only(plan, "aws_api_gateway_resource").values).toMatchObject({ path_part: "example" });
  expect(only(plan, "aws_api_gateway_integration").values).toMatchObject({ type: "AWS_PROXY", integration_http_method: "POST" });
  expect(only(plan, "aws_api_gateway_stage").values).toMatchObject({ stage_name: "prod" });
});

it("is reachable only through the mutual-TLS custom domain", () => {
  expect(only(plan, "aws_api_gateway_rest_api").values).toMatchObject({
    disable_execute_api_endpoint: true,
    endpoint_configuration: [{ types: ["REGIONAL"] }],
  });
  const domain = only(plan, "aws_api_gateway_domain_name").values;
  expect(domain).toMatchObject({
    domain_name: "api.example.com",
    security_policy: "TLS_1_2",
    regional_certificate_arn: TEST_TFVARS.custom_domain_cert_arn,
    endpoint_configuration: [{ types: ["REGIONAL"] }],
    mutual_tls_authentication: [{ truststore_uri: "s3://cbat-truststore-test/truststore.pem" }],
  });
  expect(domain.mutual_tls_authentication[0].truststore_version ?? null).toBeNull(); // null = latest
  expect(only(plan, "aws_api_gateway_base_path_mapping").values).toMatchObject({ domain_name: "api.example.com", stage_name: "prod" });
});

it("answers refusals with WWW-Authenticate: invalid_token (401) or insufficient_scope (403)", () => {
  const responses = resources(plan, "aws_api_gateway_gateway_response").map((r) => r.values);
  expect(responses.map((r) => [r.response_type, r.status_code]).sort()).toEqual([["ACCESS_DENIED", "403"], ["UNAUTHORIZED", "401"]]);
  const header = (type: string) => responses.find((r) => r.response_type === type)!.response_parameters["gatewayresponse.header.WWW-Authenticate"];
  expect(header("UNAUTHORIZED")).toBe(`'Bearer error="invalid_token"'`);
  expect(header("ACCESS_DENIED")).toBe(`'Bearer error="insufficient_scope"'`);
});

it("binds tokens in Cognito: Essentials tier, V3_0 trigger, attribute not writable by clients", () => {
  const pool = only(plan, "aws_cognito_user_pool").values;
  expect(pool.user_pool_tier).toBe("ESSENTIALS");
  expect(pool.lambda_config[0].pre_token_generation_config[0].lambda_version).toBe("V3_0");
  expect(pool.password_policy[0].minimum_length).toBe(8);
  expect(pool.deletion_protection).toBe("ACTIVE"); // on unless an environment is ephemeral; see the custom plan
  expect(pool.mfa_configuration).toBe("OFF");
  // No software-token block with MFA off: Cognito returns none, so a block would drift in every plan.
  expect(pool.software_token_mfa_configuration).toEqual([]);
  expect(pool.auto_verified_attributes).toEqual(["email"]);
  expect(pool.schema).toEqual(expect.arrayContaining([
    expect.objectContaining({ name: "cert_fingerprint", attribute_data_type: "String", mutable: true }),
  ]));
  const client = only(plan, "aws_cognito_user_pool_client").values;
  expect(client.generate_secret).toBe(false);
  expect([...client.explicit_auth_flows].sort()).toEqual(["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"]);
  expect(client.read_attributes).toContain("custom:cert_fingerprint");
  expect(client.write_attributes).toEqual(["email"]);
});

it("gives access tokens 60 minutes, and tells the authorizer the same variable", () => {
  const client = only(plan, "aws_cognito_user_pool_client").values;
  expect(client.access_token_validity).toBe(60);
  expect(client.token_validity_units).toEqual([expect.objectContaining({ access_token: "minutes" })]);
  expect(plan.variables?.access_token_validity_minutes.value).toBe(60);
  // The function's environment is known only after apply (it holds the pool ids): check what feeds it.
  const authorizer = (plan.configuration.root_module.resources ?? []).find((r) => r.type === "aws_lambda_function" && r.address.includes("authorizer"))!;
  const variables = authorizer.expressions.environment[0].variables;
  expect(variables.constant_value.ACCESS_TOKEN_VALIDITY_MINUTES).toBe("${var.access_token_validity_minutes}");
  expect(variables.references).toContain("var.access_token_validity_minutes");
});

it("runs the bundles on nodejs22.x/arm64 with log groups and a stable source_code_hash", () => {
  const functions = resources(plan, "aws_lambda_function").map((r) => r.values);
  expect(functions.map((f) => f.function_name).sort()).toEqual([
    `${STACK_NAME}-authorizer`, `${STACK_NAME}-example`, `${STACK_NAME}-pre-token-generation`,
  ]);
  for (const f of functions) {
    expect(f).toMatchObject({ runtime: "nodejs22.x", architectures: ["arm64"], handler: "index.handler" });
    expect(f.source_code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(f.filename).toContain(f.source_code_hash);
  }
  for (const group of resources(plan, "aws_cloudwatch_log_group")) expect(group.values.retention_in_days).toBe(30);
});

it("grants least privilege: no wildcard actions, no '*' resources, no managed policies but API Gateway's logging role's", () => {
  // The one managed policy: AWS's own for the account-level role API Gateway writes access logs with.
  expect(resources(plan, "aws_iam_role_policy_attachment").map((a) => a.values)).toEqual([
    { policy_arn: "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs", role: `${STACK_NAME}-apigateway-cloudwatch` },
  ]);
  for (const role of resources(plan, "aws_iam_role")) {
    expect(role.values.managed_policy_arns ?? []).toEqual([]);
    const trust = JSON.parse(role.values.assume_role_policy);
    const service = role.values.name === `${STACK_NAME}-apigateway-cloudwatch` ? "apigateway.amazonaws.com" : "lambda.amazonaws.com";
    expect(trust.Statement).toEqual([expect.objectContaining({ Action: "sts:AssumeRole", Principal: { Service: service } })]);
  }
  // Role policies reference their log group's ARN (unknown until apply), so check their
  // documents as configured: constant actions, and resources that are the group's streams.
  const documents = (plan.configuration.root_module.resources ?? []).filter((r) => r.type === "aws_iam_policy_document");
  expect(documents.length).toBeGreaterThanOrEqual(6);
  for (const document of documents) {
    for (const statement of document.expressions.statement) {
      const actions: string[] = statement.actions.constant_value;
      expect(actions.length).toBeGreaterThan(0);
      for (const action of actions) expect(action).not.toContain("*");
      if (!statement.resources) continue; // trust policies have none
      const refs: string[] = statement.resources.references;
      expect(refs.every((ref) => /^aws_cloudwatch_log_group\.[^.]+(\.arn)?$/.test(ref))).toBe(true);
    }
  }
  const rolePolicies = resources(plan, "aws_iam_role_policy");
  expect(rolePolicies).toHaveLength(3);
  for (const change of plan.resource_changes.filter((c) => c.type === "aws_iam_role_policy")) {
    const policy = change.change.after.policy;
    if (typeof policy !== "string") continue; // unknown until apply: checked through the documents above
    for (const statement of JSON.parse(policy).Statement) {
      expect([statement.Action].flat().some((a: string) => a.includes("*"))).toBe(false);
      expect([statement.Resource].flat()).not.toContain("*");
    }
  }
});

it("lets only this API and this pool invoke the functions", () => {
  const permissions = (plan.configuration.root_module.resources ?? []).filter((r) => r.type === "aws_lambda_permission");
  const byPrincipal = Object.fromEntries(permissions.map((p) => [p.expressions.statement_id.constant_value, p.expressions]));
  expect(byPrincipal.AllowCognitoPreTokenGeneration.principal.constant_value).toBe("cognito-idp.amazonaws.com");
  expect(byPrincipal.AllowCognitoPreTokenGeneration.source_arn.references).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_cognito_user_pool\..*\.arn$/)]));
  expect(byPrincipal.AllowApiGatewayAuthorizer.principal.constant_value).toBe("apigateway.amazonaws.com");
  expect(byPrincipal.AllowApiGatewayAuthorizer.source_arn.references).toEqual(expect.arrayContaining([
    expect.stringMatching(/^aws_api_gateway_rest_api\..*\.execution_arn$/), expect.stringMatching(/^aws_api_gateway_authorizer\..*\.id$/),
  ]));
  const example = Object.entries(byPrincipal).find(([id]) => id === `AllowApiGateway-${STACK_NAME}-GET`);
  expect((example?.[1] as { principal: { constant_value: string } } | undefined)?.principal.constant_value).toBe("apigateway.amazonaws.com");
  const deployment = (plan.configuration.root_module.resources ?? []).find((r) => r.type === "aws_api_gateway_deployment")!;
  expect(deployment.expressions.triggers).toBeDefined();
});

it("adds the password flows, MFA, no deletion protection, the DNS record and another retention only when asked", () => {
  const custom = terraform.planJson(terraform.writeVars("custom.tfvars.json", {
    ...TEST_TFVARS,
    enable_admin_password_auth: true,
    enable_user_password_auth: true,
    mfa_configuration: "ON",
    user_pool_deletion_protection: false,
    access_token_validity_minutes: 15,
    route53_zone_id: "Z0123456789ABCDEFGHIJ",
    log_retention_days: 90,
    truststore_version: "3HL4kqtJvjVBH40Nrjfkd",
    ownership_verification_certificate_arn: "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555",
  }));
  expect([...only(custom, "aws_cognito_user_pool_client").values.explicit_auth_flows].sort()).toEqual([
    "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH",
  ]);
  expect(only(custom, "aws_cognito_user_pool").values).toMatchObject({ mfa_configuration: "ON", software_token_mfa_configuration: [{ enabled: true }] });
  expect(only(custom, "aws_route53_record").values).toMatchObject({ zone_id: "Z0123456789ABCDEFGHIJ", name: "api.example.com", type: "A" });
  for (const group of resources(custom, "aws_cloudwatch_log_group")) expect(group.values.retention_in_days).toBe(90);
  expect(only(custom, "aws_cognito_user_pool").values.deletion_protection).toBe("INACTIVE");
  expect(only(custom, "aws_cognito_user_pool_client").values.access_token_validity).toBe(15);
  expect(custom.variables?.access_token_validity_minutes.value).toBe(15);
  const domain = only(custom, "aws_api_gateway_domain_name").values;
  expect(domain.mutual_tls_authentication[0].truststore_version).toBe("3HL4kqtJvjVBH40Nrjfkd");
  expect(domain.ownership_verification_certificate_arn).toContain("11111111-2222");

  // plan:summary's sign-in rows read these planned values: each production-unfriendly choice is a warning.
  const row = (p: PlanJson, check: string) => summarizePlan(p).security.find((r) => r.check.startsWith(check));
  expect(row(custom, "user sign-in with SRP")).toMatchObject({ ok: true, warning: true, seen: expect.stringContaining("(the password is sent to Cognito: ALLOW_") });
  expect(row(custom, "MFA for users")).toMatchObject({ ok: true, warning: false, seen: "ON, software TOTP" });
  expect(row(custom, "user pool deletion protection")).toMatchObject({ ok: true, warning: true, seen: "INACTIVE: a destroy deletes every user and certificate binding" });
  const optional = structuredClone(custom);
  only(optional, "aws_cognito_user_pool").values.mfa_configuration = "OPTIONAL";
  expect(row(optional, "MFA for users")).toMatchObject({ warning: true, seen: expect.stringContaining("users cannot enrol themselves") });
  expect(row(plan, "user sign-in with SRP")).toMatchObject({ warning: false, seen: "ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_SRP_AUTH" });
});

it("refuses bad inputs, naming each variable and saying what to do", () => {
  const bad = {
    custom_domain_cert_arn: ["not-an-arn", "custom_domain_cert_arn must be an ACM certificate ARN"],
    custom_domain_name: ["https://api.example.com", "custom_domain_name must be a lowercase DNS name"],
    bucket_name: ["Bad_Bucket", "bucket_name must be an S3 bucket name"],
    ca_cert_key: ["/truststore.pem", "ca_cert_key must be the object key"],
    log_retention_days: [31, "log_retention_days must be one of CloudWatch's values"],
    route53_zone_id: ["zone", "route53_zone_id must be a hosted zone id"],
    ownership_verification_certificate_arn: ["arn:aws:iam::123456789012:role/x", "ownership_verification_certificate_arn must be an ACM certificate ARN"],
    aws_region: ["Europe", "aws_region must be a region name"],
    access_token_validity_minutes: [1441, "access_token_validity_minutes must be a whole number of minutes from 5 to 1440 (24 hours)"],
  } as const;
  const vars = { ...TEST_TFVARS, ...Object.fromEntries(Object.entries(bad).map(([name, [value]]) => [name, value])) };
  // One plan reports every failed validation, so one run checks them all.
  const result = terraform.run("plan", "-refresh=false", "-lock=false", "-input=false", `-var-file=${terraform.writeVars("bad.tfvars.json", vars)}`);
  expect(result.status).not.toBe(0);
  const errors = result.stderr.replace(/\s+/g, " ");
  for (const [, message] of Object.values(bad)) expect(errors).toContain(message);
  expect(errors).not.toContain("REGIONAL custom domain"); // an ARN that does not parse gets one message, not two
});

it("refuses ACM certificates from another region than the stack's at plan time, naming both regions", () => {
  const arn = (region: string) => `arn:aws:acm:${region}:123456789012:certificate/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e`;
  const result = terraform.run("plan", "-refresh=false", "-lock=false", "-input=false", `-var-file=${terraform.writeVars("other-region.tfvars.json", {
    ...TEST_TFVARS,
    custom_domain_cert_arn: arn("us-east-1"), // the edge-optimized habit
    ownership_verification_certificate_arn: arn("ap-southeast-2"),
  })}`);
  expect(result.status).not.toBe(0);
  const errors = result.stderr.replace(/\s+/g, " ");
  expect(errors).toContain(`The custom domain's certificate (${arn("us-east-1")}) is in region us-east-1, but this stack deploys to ${TEST_REGION}`);
  expect(errors).toContain(`The ownership verification certificate (${arn("ap-southeast-2")}) is in region ap-southeast-2, but this stack deploys to ${TEST_REGION}`);
  expect(errors).toContain(`Request or import the certificate in ${TEST_REGION}`);
});

it.each([7.5])("refuses access_token_validity_minutes = %p (Cognito: whole minutes, 5 to 1440; 1441 is in the test above)", (value) => {
  const vars = terraform.writeVars(`validity-${value}.tfvars.json`, { ...TEST_TFVARS, access_token_validity_minutes: value });
  const result = terraform.run("plan", "-refresh=false", "-lock=false", "-input=false", `-var-file=${vars}`);
  expect(result.status).not.toBe(0);
  expect(result.stderr.replace(/\s+/g, " ")).toContain("access_token_validity_minutes must be a whole number of minutes from 5 to 1440");
});
