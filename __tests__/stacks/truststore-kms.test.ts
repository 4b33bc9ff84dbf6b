/**
 * SSE-KMS truststore buckets, through real offline `terraform plan`s: with crl_key and
 * truststore_kms_key_arn set, the authorizer may kms:Decrypt with exactly that key, through S3
 * in the stack's region only; without either, no KMS permission at all; a bad ARN is refused.
 */
import { join } from "node:path";
import { STACK_NAME } from "../../stacks/stack-name";
import { assertTerraformAvailable, OfflineTerraform, synthApp, TEST_REGION, TEST_TFVARS, type PlanJson } from "../support/terraform";

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
let terraform: OfflineTerraform;

beforeAll(() => {
  assertTerraformAvailable();
  terraform = new OfflineTerraform(join(synthApp(), "stacks", STACK_NAME));
  terraform.ok("init", "-input=false");
}, 240_000);

const kmsPolicies = (plan: PlanJson) => (plan.planned_values.root_module.resources ?? []).filter((r) => r.type === "aws_iam_role_policy" && JSON.stringify(r.values).includes("kms:"));

it("grants kms:Decrypt on the configured key only, via S3 only, when revocation reads the bucket", () => {
  const plan = terraform.planJson(terraform.writeVars("kms.tfvars.json", { ...TEST_TFVARS, crl_key: "crls.pem", truststore_kms_key_arn: KEY }));
  const [policy, ...others] = kmsPolicies(plan);
  expect(others).toEqual([]);
  expect(policy.address).toMatch(/^aws_iam_role_policy\.authorizer-truststore-kms_decrypt-truststore_[0-9A-F]+\[0\]$/);
  expect(JSON.parse(policy.values.policy)).toEqual({
    Version: "2012-10-17",
    Statement: [{ Sid: "DecryptTruststoreAndCrlThroughS3", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [KEY], Condition: { StringEquals: { "kms:ViaService": `s3.${TEST_REGION}.amazonaws.com` } } }],
  });
}, 240_000);

it("grants nothing with S3-managed keys (null, the default) or with revocation off", () => {
  expect(kmsPolicies(terraform.planJson(terraform.writeVars("sse-s3.tfvars.json", { ...TEST_TFVARS, crl_key: "crls.pem" })))).toEqual([]);
  expect(kmsPolicies(terraform.planJson(terraform.writeVars("no-crl.tfvars.json", { ...TEST_TFVARS, truststore_kms_key_arn: KEY })))).toEqual([]);
}, 240_000);

it("refuses a key alias or another string, saying what it must be", () => {
  const result = terraform.run("plan", "-refresh=false", "-lock=false", "-input=false", `-var-file=${terraform.writeVars("alias.tfvars.json", { ...TEST_TFVARS, truststore_kms_key_arn: "alias/truststores" })}`);
  expect(result.status).not.toBe(0);
  expect(result.stderr.replace(/\s+/g, " ")).toContain("truststore_kms_key_arn must be a KMS key ARN");
}, 120_000);
