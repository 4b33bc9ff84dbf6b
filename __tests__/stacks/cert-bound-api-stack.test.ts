/**
 * The synthesized stack with cdktf's Testing matchers: every security-relevant property,
 * constructor validation, and a snapshot of the whole Terraform JSON.
 */
import "cdktf/lib/testing/adapters/jest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Testing } from "cdktf";
import { ApiGatewayAuthorizer } from "@cdktf/provider-aws/lib/api-gateway-authorizer";
import { ApiGatewayDomainName } from "@cdktf/provider-aws/lib/api-gateway-domain-name";
import { ApiGatewayGatewayResponse } from "@cdktf/provider-aws/lib/api-gateway-gateway-response";
import { ApiGatewayMethod } from "@cdktf/provider-aws/lib/api-gateway-method";
import { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage";
import { CognitoUserPool } from "@cdktf/provider-aws/lib/cognito-user-pool";
import { CognitoUserPoolClient } from "@cdktf/provider-aws/lib/cognito-user-pool-client";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { builtInApi } from "../../stacks/api-document";
import { CertBoundApiStack } from "../../stacks/cert-bound-api-stack";
import { BundledFunction } from "../../stacks/bundled-function";
import { bundleHandler } from "../../stacks/handler-bundle";
import { MtlsRestApi } from "../../stacks/mtls-rest-api";
import { STACK_NAME } from "../../stacks/stack-name";

Testing.setupJest();

let synthesized: string;
let json: Record<string, any>;
beforeAll(() => {
  const stack = new CertBoundApiStack(Testing.app(), STACK_NAME);
  synthesized = Testing.synth(stack, true);
  json = JSON.parse(synthesized);
});

const resourcesOf = (type: string): Record<string, any>[] => Object.values(json.resource[type] ?? {});

describe("security-relevant properties", () => {
  it("authorizer results are never cached (TTL 0) and come from the Authorization header", () => {
    expect(synthesized).toHaveResourceWithProperties(ApiGatewayAuthorizer, {
      type: "REQUEST",
      identity_source: "method.request.header.Authorization",
      authorizer_result_ttl_in_seconds: 0,
    });
    expect(synthesized).toHaveResourceWithProperties(ApiGatewayMethod, { http_method: "GET", authorization: "CUSTOM" });
  });

  it("the default execute-api endpoint is disabled and the API is regional", () => {
    expect(synthesized).toHaveResourceWithProperties(ApiGatewayRestApi, {
      disable_execute_api_endpoint: true,
      endpoint_configuration: { types: ["REGIONAL"] },
    });
  });

  it("the custom domain requires mutual TLS with the truststore and TLS 1.2", () => {
    expect(synthesized).toHaveResourceWithProperties(ApiGatewayDomainName, {
      security_policy: "TLS_1_2",
      endpoint_configuration: { types: ["REGIONAL"] },
      regional_certificate_arn: "${var.custom_domain_cert_arn}",
      mutual_tls_authentication: { truststore_uri: "s3://${var.bucket_name}/${var.ca_cert_key}", truststore_version: "${var.truststore_version != null ? var.truststore_version : one(data.aws_s3_object.truststore_object[*].version_id)}" },
      ownership_verification_certificate_arn: "${var.ownership_verification_certificate_arn}",
    });
  });

  it("refusals carry WWW-Authenticate: invalid_token (401) or insufficient_scope (403)", () => {
    for (const [type, status, error] of [["UNAUTHORIZED", "401", "invalid_token"], ["ACCESS_DENIED", "403", "insufficient_scope"]]) {
      expect(synthesized).toHaveResourceWithProperties(ApiGatewayGatewayResponse, {
        response_type: type,
        status_code: status,
        response_parameters: { "gatewayresponse.header.WWW-Authenticate": `'Bearer error="${error}"'` },
      });
    }
  });

  it("the user pool issues bound access tokens through a V3_0 trigger on the Essentials tier", () => {
    expect(synthesized).toHaveResourceWithProperties(CognitoUserPool, {
      user_pool_tier: "ESSENTIALS",
      auto_verified_attributes: ["email"],
      password_policy: expect.objectContaining({ minimum_length: 8 }),
      lambda_config: { pre_token_generation_config: expect.objectContaining({ lambda_version: "V3_0" }) },
    });
    const [pool] = resourcesOf("aws_cognito_user_pool");
    expect(pool.schema).toEqual(expect.arrayContaining([
      expect.objectContaining({ name: "cert_fingerprint", attribute_data_type: "String", mutable: true }),
    ]));
  });

  it("every app client lists write_attributes explicitly, without the binding attribute", () => {
    const clients = Object.entries<Record<string, any>>(json.resource.aws_cognito_user_pool_client);
    expect(clients.length).toBeGreaterThan(0);
    for (const [name, client] of clients) {
      expect({ name, writeAttributes: Array.isArray(client.write_attributes) && client.write_attributes.length > 0 }).toEqual({ name, writeAttributes: true });
      for (const attribute of client.write_attributes) expect(attribute.toLowerCase()).not.toBe("custom:cert_fingerprint");
    }
  });

  it("access tokens live access_token_validity_minutes, and the authorizer is told the same value", () => {
    const [client] = resourcesOf("aws_cognito_user_pool_client");
    expect(client.access_token_validity).toBe("${var.access_token_validity_minutes}");
    expect(client.token_validity_units).toEqual([expect.objectContaining({ access_token: "minutes" })]);
    const authorizer = resourcesOf("aws_lambda_function").find((fn) => fn.function_name === `${STACK_NAME}-authorizer`)!;
    expect(authorizer.environment.variables.ACCESS_TOKEN_VALIDITY_MINUTES).toBe("${var.access_token_validity_minutes}");
  });

  it("the app client has no secret and cannot write the binding attribute", () => {
    expect(synthesized).toHaveResourceWithProperties(CognitoUserPoolClient, { generate_secret: false });
    const [client] = resourcesOf("aws_cognito_user_pool_client");
    expect(client.read_attributes).toContain("custom:cert_fingerprint");
    expect(client.write_attributes).not.toContain("custom:cert_fingerprint");
    expect(client.explicit_auth_flows).toBe(
      '${concat(["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"], var.enable_user_password_auth ? ["ALLOW_USER_PASSWORD_AUTH"] : [], var.enable_admin_password_auth ? ["ALLOW_ADMIN_USER_PASSWORD_AUTH"] : [])}',
    );
  });

  it("each function may be invoked only by its caller, scoped by source ARN", () => {
    expect(synthesized).toHaveResourceWithProperties(LambdaPermission, {
      principal: "cognito-idp.amazonaws.com",
      source_arn: expect.stringMatching(/^\$\{aws_cognito_user_pool\..+\.arn\}$/),
    });
    expect(synthesized).toHaveResourceWithProperties(LambdaPermission, {
      principal: "apigateway.amazonaws.com",
      source_arn: expect.stringMatching(/^\$\{aws_api_gateway_rest_api\..+\.execution_arn\}\/authorizers\/\$\{aws_api_gateway_authorizer\..+\.id\}$/),
    });
    expect(synthesized).toHaveResourceWithProperties(LambdaPermission, {
      principal: "apigateway.amazonaws.com",
      source_arn: expect.stringMatching(/^\$\{aws_api_gateway_rest_api\..+\.execution_arn\}\/prod\/GET\/\*$/),
    });
  });

  it("functions run the bundles on nodejs22.x/arm64, source_code_hash = asset hash", () => {
    for (const fn of resourcesOf("aws_lambda_function")) {
      expect(fn).toMatchObject({ runtime: "nodejs22.x", architectures: ["arm64"], handler: "index.handler" });
      expect(fn.filename).toMatch(new RegExp(`^assets/[^/]+/${fn.source_code_hash}/[a-z-]+\\.zip$`));
      expect(fn.logging_config.log_group).toMatch(/^\$\{aws_cloudwatch_log_group\..+\.name\}$/);
    }
    expect(synthesized).toHaveResourceWithProperties(LambdaFunction, {
      function_name: `${STACK_NAME}-authorizer`,
      environment: { variables: expect.objectContaining({ USER_POOL_ID: expect.stringContaining("aws_cognito_user_pool."), USER_POOL_CLIENT_ID: expect.stringContaining("aws_cognito_user_pool_client.") }) },
    });
    for (const group of resourcesOf("aws_cloudwatch_log_group")) expect(group.retention_in_days).toBe("${var.log_retention_days}");
  });

  it("IAM grants only log writes to the function's own log group (and, when asked, X-Ray writes); API Gateway's logging role gets AWS's managed policy", () => {
    expect(resourcesOf("aws_iam_role_policy_attachment").map((a) => a.policy_arn)).toEqual([
      expect.stringMatching(/^arn:\$\{data\.aws_partition\..+\.partition\}:iam::aws:policy\/service-role\/AmazonAPIGatewayPushToCloudWatchLogs$/),
    ]);
    for (const policy of resourcesOf("aws_iam_role_policy").filter((p) => p.name === "write-xray-traces")) {
      expect(policy.count).toBe("${var.xray_tracing_enabled ? 1 : 0}");
      expect(JSON.parse(policy.policy).Statement).toEqual([expect.objectContaining({ Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" })]);
    }
    expect(synthesized).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [{ effect: "Allow", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [expect.stringMatching(/^\$\{aws_cloudwatch_log_group\..+\.arn\}:log-stream:\*$/)] }],
    });
    for (const document of Object.values<any>(json.data.aws_iam_policy_document)) {
      for (const statement of document.statement) for (const action of statement.actions) expect(action).not.toContain("*");
    }
  });

  it("the deployment is redeployed on API changes and replaced before destroy; stage prod", () => {
    const [deployment] = resourcesOf("aws_api_gateway_deployment");
    expect(deployment.lifecycle).toEqual({ create_before_destroy: true });
    expect(deployment.triggers.redeployment).toMatch(/^\$\{sha1\(jsonencode\(\[.*aws_api_gateway_authorizer\..*authorizer_result_ttl_in_seconds.*\]\)\)\}$/);
    expect(synthesized).toHaveResourceWithProperties(ApiGatewayStage, { stage_name: "prod" });
  });
});

describe("inputs and outputs are the documented Terraform names", () => {
  it("declares the variables with descriptions", () => {
    expect(Object.keys(json.variable).sort()).toEqual([
      "access_token_validity_minutes", "alarm_topic_arn", "authorizer_reserved_concurrency", "aws_region", "binding_mismatch_alarm_threshold", "bucket_name", "ca_cert_key", "crl_grace_seconds", "crl_key", "crl_refresh_seconds", "custom_domain_cert_arn", "custom_domain_name", "enable_admin_password_auth", "enable_user_password_auth", "log_retention_days", "manage_api_gateway_account", "mfa_configuration", "ownership_verification_certificate_arn", "route53_zone_id", "throttling_burst_limit", "throttling_rate_limit", "truststore_kms_key_arn", "truststore_version", "user_pool_deletion_protection", "user_pool_domain_prefix", "waf_web_acl_arn", "xray_tracing_enabled",
    ]);
    for (const variable of Object.values<any>(json.variable)) expect(variable.description.length).toBeGreaterThan(10);
    expect(json.variable.log_retention_days.default).toBe(30);
    expect(json.variable.enable_admin_password_auth.default).toBe(false);
    expect(json.variable.user_pool_deletion_protection.default).toBe(true);
    expect(json.variable.enable_user_password_auth.default).toBe(false);
    expect(json.variable.mfa_configuration).toMatchObject({ type: "string", default: "OFF" });
    expect(json.variable.access_token_validity_minutes).toMatchObject({ type: "number", default: 60 });
    expect(json.variable.truststore_version).toMatchObject({ default: null, nullable: true });
    expect(json.variable).toMatchObject({
      manage_api_gateway_account: { type: "bool", default: true },
      throttling_rate_limit: { type: "number", default: 100 },
      throttling_burst_limit: { type: "number", default: 200 },
      authorizer_reserved_concurrency: { type: "number", default: null, nullable: true },
      alarm_topic_arn: { type: "string", default: null, nullable: true },
      binding_mismatch_alarm_threshold: { type: "number", default: 5 },
      xray_tracing_enabled: { type: "bool", default: false },
      waf_web_acl_arn: { type: "string", default: null, nullable: true },
    });
    expect(json.variable.crl_key).toMatchObject({ type: "string", default: null, nullable: true });
    expect(json.variable.crl_refresh_seconds).toMatchObject({ type: "number", default: 300 });
    expect(json.variable.crl_grace_seconds).toMatchObject({ type: "number", default: 3600 });
    // Optional without machine clients: only its format is checked.
    expect(json.variable.user_pool_domain_prefix).toMatchObject({ default: null, nullable: true });
    expect(json.variable.user_pool_domain_prefix.validation).toHaveLength(2);
  });

  it("declares the outputs", () => {
    expect(Object.keys(json.output).sort()).toEqual([
      "access_log_group", "api_id", "api_routes", "cbat_version", "custom_domain_url", "dashboard_name", "group_scopes", "machine_client_bindings", "machine_client_ids", "regional_domain_name", "regional_zone_id", "user_pool_client_id", "user_pool_id",
    ]);
    expect(json.output.machine_client_ids.value).toEqual({}); // token_endpoint only with machine clients
    expect(json.output.cbat_version.value).toBe(`cert-bound-access-tokens@${JSON.parse(readFileSync(join(__dirname, "../../package.json"), "utf8")).version}`);
  });

  it("uses an explicit local backend with a relative path", () => {
    expect(json.terraform.backend).toEqual({ local: { path: `../../../terraform.${STACK_NAME}.tfstate` } });
  });
});

describe("constructor validation", () => {
  it("refuses a name prefix AWS would reject", () => {
    expect(() => new CertBoundApiStack(Testing.app(), "Bad_Name")).toThrow(/namePrefix "Bad_Name" must be 1-31 lowercase letters/);
  });
  it("refuses a bad function name or stage name", () => {
    const stack = new CertBoundApiStack(Testing.app(), "validation-test");
    expect(() => new BundledFunction(stack, "bad", { handlerName: "example", functionName: "has spaces", description: "x", logRetentionDays: 1 }))
      .toThrow(/functionName "has spaces"/);
    expect(() => new MtlsRestApi(stack, "bad-api", { namePrefix: "x", authorizerFunction: {} as never, api: builtInApi(), handlerFunctions: {}, stageName: "prod stage" }))
      .toThrow(/stageName "prod stage"/);
  });
  it("names the handler file esbuild could not bundle", () => {
    expect(() => bundleHandler("no-such-handler")).toThrow(/handlers\/no-such-handler\.ts/);
  });
});

it("matches the snapshot of the synthesized Terraform JSON", () => {
  expect(json).toMatchSnapshot();
});
