/**
 * Item: a new truststore upload must show in the plan and take effect on apply. Real terraform
 * plans against moto_server (the AWS stand-in: S3 only is read at plan time): the custom
 * domain's truststore_version follows each upload, a pinned truststore_version wins, and an
 * unversioned bucket stops the plan with what to do. The authorizer's TRUSTSTORE_VERSION is the
 * same expression (checked below on the synthesized JSON); on a first plan its environment is
 * known only after apply, so `npm run test:deploy` checks it after an apply: an upload then
 * updates the domain, the authorizer and the token endpoint in place.
 * Offline (no AWS at all) the read is skipped by the one offline override. Without moto_server
 * the moto part is skipped, and says why.
 */
import { CreateBucketCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findMotoServer, MOTO_INSTALL_HINT, startMotoServer, type AwsEndpoint } from "../../scripts/deploy-cycle/aws-endpoint";
import { FAKE_CREDENTIALS } from "../../scripts/terraform/offline-provider";
import { STACK_NAME } from "../../stacks/stack-name";
import { TRUSTSTORE_OBJECT_ID } from "../../stacks/truststore-version";
import { summarizePlan } from "../../review/plan-summary";
import { assertTerraformAvailable, OfflineTerraform, synthApp, TEST_REGION, TEST_TFVARS, type PlanJson } from "../support/terraform";

const motoServer = findMotoServer();
if (!motoServer) console.warn(`SKIPPED: truststore version plans against moto_server: ${MOTO_INSTALL_HINT}`);
const motoIt = motoServer ? it : it.skip;

const domainOf = (plan: PlanJson) => (plan.planned_values.root_module.resources ?? []).find((r) => r.type === "aws_api_gateway_domain_name")!;
const plannedVersion = (plan: PlanJson) => domainOf(plan).values.mutual_tls_authentication[0].truststore_version;
const truststoreRow = (plan: PlanJson) => summarizePlan(plan).security.find((c) => c.check.startsWith("truststore version"))!;

let stackDir: string;
beforeAll(() => {
  assertTerraformAvailable();
  stackDir = join(synthApp(), "stacks", STACK_NAME);
}, 120_000);

it("the custom domain and the authorizer take the version from one expression: the pinned variable, else the object's version id", () => {
  const synthesized = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8"));
  const [domain] = Object.values<any>(synthesized.resource.aws_api_gateway_domain_name);
  const [authorizer] = Object.values<any>(synthesized.resource.aws_lambda_function).filter((f) => f.function_name.endsWith("-authorizer"));
  const latest = `one(data.aws_s3_object.${TRUSTSTORE_OBJECT_ID}[*].version_id)`;
  expect(domain.mutual_tls_authentication.truststore_version).toBe(`\${var.truststore_version != null ? var.truststore_version : ${latest}}`);
  expect(authorizer.environment.variables.TRUSTSTORE_VERSION).toBe(`\${var.truststore_version != null ? var.truststore_version : ${latest} == null ? "" : ${latest}}`);
  expect(synthesized.data.aws_s3_object[TRUSTSTORE_OBJECT_ID]).toMatchObject({ count: '${(var.truststore_version == null) ? 1 : 0}', bucket: "${var.bucket_name}", key: "${var.ca_cert_key}" });
});

it("offline, the read is skipped: the version stays what truststore_version says", () => {
  const terraform = new OfflineTerraform(stackDir);
  terraform.ok("init", "-input=false");
  const plan = terraform.planJson(terraform.writeVars("offline.tfvars.json", { ...TEST_TFVARS, crl_key: "crls.pem" }));
  expect(plannedVersion(plan)).toBeNull();
  expect(truststoreRow(plan)).toMatchObject({ ok: true, warning: true, seen: expect.stringContaining("not known offline") });
  const pinned = terraform.planJson(terraform.writeVars("pinned.tfvars.json", { ...TEST_TFVARS, crl_key: "crls.pem", truststore_version: "v-pinned" }));
  expect(plannedVersion(pinned)).toBe("v-pinned");
}, 240_000);

describe("against moto_server", () => {
  let endpoint: AwsEndpoint | undefined;
  let s3: S3Client;
  let terraform: OfflineTerraform;
  const logDir = mkdtempSync(join(tmpdir(), "cbat-truststore-"));
  const versioned = "cbat-truststore-versioned";
  const unversioned = "cbat-truststore-unversioned";

  beforeAll(async () => {
    if (!motoServer) return;
    endpoint = await startMotoServer(motoServer, join(logDir, "moto.log"));
    s3 = new S3Client({ endpoint: endpoint.url, region: TEST_REGION, forcePathStyle: true, credentials: { accessKeyId: FAKE_CREDENTIALS.accessKey, secretAccessKey: FAKE_CREDENTIALS.secretKey } });
    for (const bucket of [versioned, unversioned]) await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: TEST_REGION as never } }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: versioned, VersioningConfiguration: { Status: "Enabled" } }));
    await s3.send(new PutObjectCommand({ Bucket: unversioned, Key: "truststore.pem", Body: "ca v1" }));
    terraform = new OfflineTerraform(stackDir, { endpoint: endpoint.url });
    terraform.ok("init", "-input=false");
  }, 120_000);
  afterAll(async () => {
    s3?.destroy();
    await endpoint?.stop();
    rmSync(logDir, { recursive: true, force: true });
  });

  const upload = async (body: string) => (await s3.send(new PutObjectCommand({ Bucket: versioned, Key: "truststore.pem", Body: body }))).VersionId!;
  const plan = (vars: Record<string, unknown> = {}) => terraform.planJson(terraform.writeVars("moto.tfvars.json", { ...TEST_TFVARS, bucket_name: versioned, crl_key: "crls.pem", ...vars }));

  motoIt("each upload is a new truststore_version of the custom domain, and the authorizer reads the same one", async () => {
    const first = await upload("CA one");
    const planned = plan();
    expect(plannedVersion(planned)).toBe(first);
    expect(truststoreRow(planned)).toMatchObject({ ok: true, seen: `(new) → ${first}` });
    const second = await upload("CA one and CA two");
    expect(second).not.toBe(first);
    expect(plannedVersion(plan())).toBe(second);
    // A pinned version wins, and the object is not read at all.
    const pinned = plan({ truststore_version: first });
    expect(plannedVersion(pinned)).toBe(first);
    expect(pinned.resource_changes.filter((c) => c.address.startsWith(`data.aws_s3_object.${TRUSTSTORE_OBJECT_ID}`))).toEqual([]);
  }, 240_000);

  motoIt("an unversioned truststore bucket stops the plan, saying how to turn versioning on", () => {
    const result = terraform.run("plan", "-refresh=false", "-lock=false", "-input=false", `-var-file=${terraform.writeVars("unversioned.tfvars.json", { ...TEST_TFVARS, bucket_name: unversioned })}`);
    expect(result.status).not.toBe(0);
    const message = result.stderr.replace(/\s+/g, " ");
    expect(message).toContain(`The truststore s3://${unversioned}/truststore.pem has no S3 version id: the bucket is not versioned.`);
    expect(message).toContain(`aws s3api put-bucket-versioning --bucket ${unversioned} --versioning-configuration Status=Enabled`);
  }, 120_000);
});
