/**
 * Revocation in the synthesized stack, through real offline `terraform plan`s: the variables
 * and their defaults, the authorizer's configuration, and its S3 read access, which exists only
 * with `crl_key` set and names exactly the truststore and the CRL bundle.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { STACK_NAME } from "../../stacks/stack-name";
import { assertTerraformAvailable, OfflineTerraform, synthApp, TEST_TFVARS, type PlanJson } from "../support/terraform";

let terraform: OfflineTerraform;
let off: PlanJson;
let on: PlanJson;

beforeAll(() => {
  assertTerraformAvailable();
  terraform = new OfflineTerraform(join(synthApp(), "stacks", STACK_NAME));
  terraform.ok("init", "-input=false");
  off = terraform.planJson(terraform.writeVars("off.tfvars.json", TEST_TFVARS));
  on = terraform.planJson(terraform.writeVars("on.tfvars.json", { ...TEST_TFVARS, crl_key: "crl/bundle.pem", crl_refresh_seconds: 60, crl_grace_seconds: 7200 }));
}, 240_000);

const rolePolicies = (plan: PlanJson) => (plan.planned_values.root_module.resources ?? []).filter((r) => r.type === "aws_iam_role_policy");
const authorizerEnvironment = (plan: PlanJson) =>
  (plan.configuration.root_module.resources ?? []).find((r) => r.type === "aws_lambda_function" && r.address.includes("authorizer"))!.expressions.environment[0].variables;

it("defaults to revocation off: crl_key null, refresh 300 s, grace 3600 s, and no S3 access", () => {
  expect(off.variables).toMatchObject({ crl_key: { value: null }, crl_refresh_seconds: { value: 300 }, crl_grace_seconds: { value: 3600 } });
  expect(rolePolicies(off).map((r) => r.values.name).sort()).toEqual(["write-own-logs", "write-own-logs", "write-own-logs"]);
  for (const policy of rolePolicies(off)) expect(JSON.stringify(policy.values)).not.toContain("s3:");
});

it("passes the settings to the authorizer (CRL_KEY empty when crl_key is null)", () => {
  const references: string[] = authorizerEnvironment(off).references;
  for (const name of ["var.crl_key", "var.crl_refresh_seconds", "var.crl_grace_seconds", "var.bucket_name", "var.ca_cert_key"]) expect(references).toContain(name);
  const synthesized = JSON.parse(readFileSync(join(terraform.stackDir, "cdk.tf.json"), "utf8"));
  const [authorizer] = Object.values<any>(synthesized.resource.aws_lambda_function).filter((f) => f.function_name.endsWith("-authorizer"));
  expect(authorizer.environment.variables).toMatchObject({
    CRL_KEY: '${(var.crl_key == null) ? "" : var.crl_key}',
    TRUSTSTORE_BUCKET: "${var.bucket_name}",
    TRUSTSTORE_KEY: "${var.ca_cert_key}",
    CRL_REFRESH_SECONDS: "${var.crl_refresh_seconds}",
    CRL_GRACE_SECONDS: "${var.crl_grace_seconds}",
  });
});

it("with crl_key set, grants s3:GetObject on exactly the truststore and the CRL bundle, nothing else", () => {
  expect(on.variables).toMatchObject({ crl_key: { value: "crl/bundle.pem" }, crl_refresh_seconds: { value: 60 }, crl_grace_seconds: { value: 7200 } });
  const added = rolePolicies(on).filter((r) => r.values.name === "read-crl-and-truststore");
  expect(added).toHaveLength(1);
  expect(added[0].address).toMatch(/^aws_iam_role_policy\.authorizer-revocation_read-revocation-lists_[0-9A-F]+\[0\]$/);
  expect(JSON.parse(added[0].values.policy)).toEqual({
    Version: "2012-10-17",
    Statement: [{
      Sid: "ReadCrlBundleAndTruststore",
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: ["arn:aws:s3:::cbat-truststore-test/truststore.pem", "arn:aws:s3:::cbat-truststore-test/crl/bundle.pem"],
    }, {
      Sid: "ReadTruststoreVersion",
      Effect: "Allow",
      Action: ["s3:GetObjectVersion"],
      Resource: ["arn:aws:s3:::cbat-truststore-test/truststore.pem"],
    }],
  });
  // It is the authorizer's role, not another function's.
  const configured = (on.configuration.root_module.resources ?? []).find((r) => r.address.startsWith("aws_iam_role_policy.authorizer-revocation"))!;
  expect(configured.expressions.role.references).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_iam_role\.authorizer_role_[0-9A-F]+\.id$/)]));
  expect(rolePolicies(on)).toHaveLength(4);
});

it("refuses bad revocation settings, naming each variable", () => {
  const bad = {
    crl_key: ["/crls.pem", 'crl_key must be the object key of the CRL bundle in bucket_name, without a leading "/"'],
    crl_refresh_seconds: [5, "crl_refresh_seconds must be a whole number of seconds from 10 to 86400"],
    crl_grace_seconds: [-1, "crl_grace_seconds must be a whole number of seconds from 0 to 2592000"],
  } as const;
  const vars = { ...TEST_TFVARS, ...Object.fromEntries(Object.entries(bad).map(([name, [value]]) => [name, value])) };
  const result = terraform.run("plan", "-refresh=false", "-lock=false", "-input=false", `-var-file=${terraform.writeVars("bad-crl.tfvars.json", vars)}`);
  expect(result.status).not.toBe(0);
  const errors = result.stderr.replace(/\s+/g, " ");
  for (const [, message] of Object.values(bad)) expect(errors).toContain(message);
});

it("refuses object keys that would be patterns in the IAM policy", () => {
  const vars = terraform.writeVars("wild-crl.tfvars.json", { ...TEST_TFVARS, crl_key: "crls/*.pem" });
  const result = terraform.run("plan", "-refresh=false", "-lock=false", "-input=false", `-var-file=${vars}`);
  expect(result.status).not.toBe(0);
  expect(result.stderr.replace(/\s+/g, " ")).toContain("ca_cert_key and crl_key must not contain '*', '?' or '${'");
});
