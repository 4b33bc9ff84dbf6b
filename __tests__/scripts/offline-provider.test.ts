/**
 * The one offline override (scripts/terraform/offline-provider.ts): what it sets, that its
 * endpoint keys exist in the real provider schema (real terraform validate), and that every
 * resource and data source type of the synthesized stack has an endpoint.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  endpointServicesOf, LOCAL_DATA_SOURCES, OVERRIDE_FILE, providerOverride, serviceOf, SERVICE_ENDPOINTS,
} from "../../scripts/terraform/offline-provider";
import { STACK_NAME } from "../../stacks/stack-name";
import { assertTerraformAvailable, OfflineTerraform, synthApp, TEST_TFVARS } from "../support/terraform";

const providerBlock = (override: Record<string, any>) => override.provider.aws[0];

let stackDir: string;
let stack: { resource: Record<string, Record<string, unknown>>; data?: Record<string, Record<string, unknown>>; variable?: Record<string, unknown> };

beforeAll(() => {
  assertTerraformAvailable();
  stackDir = join(synthApp(), "stacks", STACK_NAME);
  stack = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8"));
});

it("points every service at the stand-in, with fake credentials, path-style S3 and three tries (a dropped loopback connection is retried)", () => {
  const aws = providerBlock(providerOverride({ endpoint: "http://127.0.0.1:4566", region: "eu-west-1" }));
  expect(aws).toMatchObject({
    region: "eu-west-1",
    access_key: "AKIAIOSFODNN7EXAMPLE",
    skip_credentials_validation: true,
    skip_metadata_api_check: true,
    skip_region_validation: true,
    skip_requesting_account_id: false, // the stand-in's STS names the account, as AWS would
    s3_use_path_style: true,
    max_retries: 3,
  });
  const endpoints = aws.endpoints[0];
  // Today's services and the ones the operations work is about to add.
  for (const service of ["apigateway", "lambda", "iam", "cognitoidp", "s3", "logs", "acm", "route53", "cloudwatch", "sns", "ssm", "wafv2", "sts"]) {
    expect(endpoints[service]).toBe("http://127.0.0.1:4566");
  }
  expect(Object.keys(endpoints).sort()).toEqual(SERVICE_ENDPOINTS.map((e) => e.service).sort());
});

it("offline, asks nobody for the account and takes the stack's region variable", () => {
  const aws = providerBlock(providerOverride({}, stack));
  expect(aws.skip_requesting_account_id).toBe(true);
  expect(aws.endpoints).toBeUndefined();
  expect(aws.max_retries).toBe(1);
  expect(aws.region).toBe('${coalesce(var.aws_region, "eu-west-1")}');
  // A team's own stack without that variable keeps its provider's region (no reference to an undeclared variable).
  const { variable: _variables, ...withoutVariables } = stack;
  expect("region" in providerBlock(providerOverride({}, withoutVariables))).toBe(false);
});

it("has an endpoint for every resource and data source type the stack uses", () => {
  const types = [...Object.keys(stack.resource), ...Object.keys(stack.data ?? {})];
  for (const type of types) {
    if (LOCAL_DATA_SOURCES.includes(type)) continue;
    expect([type, serviceOf(type)]).toEqual([type, expect.any(String)]);
  }
  expect(endpointServicesOf(stack)).toEqual(expect.arrayContaining(["apigateway", "cognitoidp", "iam", "lambda", "logs", "sts"]));
});

it("refuses a stack type without an endpoint, naming it and where to add one", () => {
  const grown = { ...stack, resource: { ...stack.resource, aws_kinesis_stream: { events: {} }, aws_cloudwatch_metric_alarm: { errors: {} } } };
  expect(() => endpointServicesOf(grown)).toThrow(/no offline endpoint for aws_kinesis_stream: add its service to SERVICE_ENDPOINTS in scripts\/terraform\/offline-provider\.ts/);
  expect(serviceOf("aws_cloudwatch_metric_alarm")).toBe("cloudwatch");
  expect(serviceOf("aws_cloudwatch_log_group")).toBe("logs");
  expect(serviceOf("aws_cognito_identity_pool")).toBe("cognitoidentity");
});

it("is valid for hashicorp/aws 5.100.0: every endpoint key exists (real terraform plan)", () => {
  const terraform = new OfflineTerraform(stackDir, { endpoint: "http://127.0.0.1:4566", region: "eu-west-1" });
  const written = JSON.parse(readFileSync(join(stackDir, OVERRIDE_FILE), "utf8"));
  expect(written).toEqual(providerOverride({ endpoint: "http://127.0.0.1:4566", region: "eu-west-1" }));
  terraform.ok("init", "-input=false");
  // Nothing listens on that port: the plan must not need the account id to decode the settings.
  const noAccountLookup = (endpoints: Record<string, string>) =>
    terraform.writeVars(OVERRIDE_FILE, { provider: { aws: [{ ...providerBlock(written), skip_requesting_account_id: true, endpoints: [endpoints] }] } });
  // A pinned truststore version: the plan reads no S3 object (nothing answers at that endpoint).
  const vars = terraform.writeVars("test.tfvars.json", { ...TEST_TFVARS, truststore_version: "pinned-version" });
  noAccountLookup(providerBlock(written).endpoints[0]);
  const plan = terraform.run("plan", "-refresh=false", "-lock=false", "-input=false", `-var-file=${vars}`);
  expect([plan.status, plan.stderr]).toEqual([0, ""]);
  // A key the provider does not know fails the same plan: the check above can fail.
  noAccountLookup({ cognito_idp: "http://127.0.0.1:4566" });
  const typo = terraform.run("plan", "-refresh=false", "-lock=false", "-input=false", `-var-file=${vars}`);
  expect(typo.status).not.toBe(0);
  expect(typo.stderr).toMatch(/cognito_idp/);
}, 180_000);
