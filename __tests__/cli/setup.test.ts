/**
 * `cbat setup` as CI would run it, with flags only: the tfvars it writes pass the offline plan
 * (real terraform), a certificate in another region is refused before anything is written, and
 * with credentials (moto_server as the AWS stand-in: the true edge, no account here) an
 * unversioned truststore bucket, a certificate that does not cover the domain (wildcards: one label) and
 * an imported or private-CA certificate without an ownership-verification certificate are refused,
 * while a versioned bucket with issued certificates for the domain passes.
 */
import { RequestCertificateCommand } from "@aws-sdk/client-acm";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { awsClients, type AwsClients } from "../../scripts/deploy-cycle/aws-clients";
import { findMotoServer, MOTO_INSTALL_HINT, MOTO_SERVER_ENV, startMotoServer, type AwsEndpoint } from "../../scripts/deploy-cycle/aws-endpoint";
import { createSeedCertificates, seedUserInputs, type SeededInputs } from "../../scripts/deploy-cycle/seed";
import { createCa, issueClientCert } from "../support/certificates";
import { runCli } from "../support/run-cli";
import { OfflineTerraform, PROJECT_ROOT, synthApp } from "../support/terraform";
import { STACK_NAME } from "../../stacks/stack-name";

const dir = mkdtempSync(join(tmpdir(), "cbat-setup-"));
/** The example config: it has a machine client, so the domain prefix is required. */
const CONFIG = { CBAT_CONFIG: join(PROJECT_ROOT, "examples", "cbat.config.json") };
const NO_CREDENTIALS = { AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", AWS_PROFILE: "", AWS_CONFIG_FILE: join(dir, "none"), AWS_SHARED_CREDENTIALS_FILE: join(dir, "none"), AWS_EC2_METADATA_DISABLED: "true" };
const ARN = (region: string) => `arn:aws:acm:${region}:123456789012:certificate/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e`;
const flags = (out: string, overrides: Record<string, string> = {}) => Object.entries({
  "--out": out, "--region": "eu-west-1", "--domain": "api.example.com", "--certificate-arn": ARN("eu-west-1"),
  "--bucket": "my-truststores", "--truststore-key": "truststore.pem", "--domain-prefix": "acme-api-auth", ...overrides,
}).flat();

afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("writes a tfvars file from flags alone that the offline plan accepts, and prints the commands and the checklist", async () => {
  const out = join(dir, "prod.tfvars");
  const result = await runCli(["setup", ...flags(out), "--alarm-topic-arn", "arn:aws:sns:eu-west-1:123456789012:alarms", "--no-aws"], CONFIG);
  expect(result).toMatchObject({ code: 0, stderr: "" });
  const tfvars = readFileSync(out, "utf8");
  expect(tfvars).toContain('custom_domain_cert_arn  = "arn:aws:acm:eu-west-1:123456789012:certificate/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e"');
  expect(tfvars).toContain('user_pool_domain_prefix = "acme-api-auth"');
  expect(result.stdout).toContain(`npm run plan:offline -- -var-file=${out}`);
  expect(result.stdout).toContain(`terraform -chdir=cdktf.out/stacks/cert-bound-api plan -var-file=${out} -out=tfplan`);
  expect(result.stdout).toContain("[ ] after the apply, a DNS record for api.example.com points at the output regional_domain_name");
  expect(result.stdout).toContain("not checked: AWS: not called (--no-aws)");

  // What the printed `npm run plan:offline -- -var-file=…` runs: the offline plan of the synthesized stack with the file.
  const terraform = new OfflineTerraform(join(synthApp(PROJECT_ROOT, CONFIG), "stacks", STACK_NAME));
  terraform.ok("init", "-input=false");
  const planned = terraform.planJson(out);
  expect(planned.variables?.custom_domain_name.value).toBe("api.example.com");
  expect(planned.variables?.user_pool_domain_prefix.value).toBe("acme-api-auth");
}, 300_000);

it("refuses a certificate in another region, a bad domain or state bucket and a missing domain prefix, writing nothing", async () => {
  const out = join(dir, "wrong.tfvars");
  const wrong = await runCli(["setup", ...flags(out, { "--certificate-arn": ARN("us-east-1"), "--domain": "https://api.example.com", "--state-bucket": "My State;rm -rf" }), "--no-aws"], CONFIG);
  expect(wrong.code).toBe(1);
  expect(wrong.stderr).toContain('--state-bucket: "My State;rm -rf" is not an S3 bucket name');
  expect(wrong.stderr).toContain("--certificate-arn: arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e is in us-east-1, the stack deploys to eu-west-1");
  expect(wrong.stderr).toContain('--domain: "https://api.example.com" must be a lowercase DNS name');
  expect(existsSync(out)).toBe(false);
  const args = flags(out);
  args.splice(args.indexOf("--domain-prefix"), 2);
  const noPrefix = await runCli(["setup", ...args, "--no-aws"], CONFIG);
  expect(noPrefix.stderr).toContain("cbat: missing --domain-prefix");
  expect(existsSync(out)).toBe(false);
});

it("prints commands whose -var-file names the written file from any folder, for a relative --out with a space too", async () => {
  const result = await runCli(["setup", ...flags("my setup.tfvars"), "--no-aws"], CONFIG, dir);
  expect(result).toMatchObject({ code: 0, stderr: "" });
  const written = join(dir, "my setup.tfvars");
  expect(existsSync(written)).toBe(true);
  const printed = result.stdout.split("\n").filter((line) => /^ {2}(npm run plan:offline|terraform -chdir=\S+ plan) /.test(line));
  expect(printed).toHaveLength(2);
  for (const line of printed) {
    // What a POSIX shell makes of the printed argument, run from another folder (terraform -chdir, npm run).
    const argument = /(-var-file=.*?) -out=tfplan$|(-var-file=.*)$/.exec(line)!.slice(1).find((match) => match !== undefined)!;
    const word = execFileSync("sh", ["-c", `printf %s ${argument}`], { cwd: tmpdir(), encoding: "utf8" });
    expect(word).toBe(`-var-file=${written}`);
  }
});

it("says what it could not check without credentials", async () => {
  const out = join(dir, "nocreds.tfvars");
  const result = await runCli(["setup", ...flags(out)], { ...CONFIG, ...NO_CREDENTIALS });
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/not checked: no usable AWS credentials .*: the bucket's versioning, the certificate's status and the domain prefix were not checked/);
}, 60_000);

const motoServer = findMotoServer();
(motoServer ? describe : describe.skip)(motoServer ? "with credentials (moto_server)" : `with credentials (skipped: moto_server is not on the PATH; ${MOTO_INSTALL_HINT})`, () => {
  let moto: AwsEndpoint;
  let clients: AwsClients;
  let seed: SeededInputs;
  const awsEnv = () => ({ ...CONFIG, AWS_ENDPOINT_URL: moto.url, AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing" });

  beforeAll(async () => {
    // Requested (AMAZON_ISSUED) certificates are ISSUED at once, as after DNS validation.
    moto = await startMotoServer(motoServer!, join(dir, "moto.log"), { ...MOTO_SERVER_ENV, MOTO_ACM_VALIDATION_WAIT: "0" });
    clients = awsClients(moto.url, "eu-west-1");
    seed = await seedUserInputs(clients, await createSeedCertificates(join(dir, "pki"), "api.setup.test"), "eu-west-1");
    await clients.s3.send(new CreateBucketCommand({ Bucket: "unversioned-truststores", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
    await clients.s3.send(new PutObjectCommand({ Bucket: "unversioned-truststores", Key: "truststore.pem", Body: "x" }));
  }, 120_000);
  afterAll(async () => {
    clients?.destroy();
    await moto?.stop();
  });

  const seededFlags = (out: string, bucket: string, overrides: Record<string, string> = {}) => flags(out, {
    "--domain": seed.domainName, "--certificate-arn": seed.certificateArn, "--ownership-certificate-arn": seed.ownershipCertificateArn,
    "--bucket": bucket, "--truststore-key": seed.truststoreKey, ...overrides,
  });
  const requested = async (domainName: string, privateCa = false) => (await clients.acm.send(new RequestCertificateCommand({
    DomainName: domainName, ValidationMethod: "DNS",
    ...(privateCa ? { CertificateAuthorityArn: "arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555" } : {}),
  }))).CertificateArn!;

  it("refuses an unversioned truststore bucket, naming the command that fixes it", async () => {
    const out = join(dir, "unversioned.tfvars");
    const result = await runCli(["setup", ...seededFlags(out, "unversioned-truststores")], awsEnv());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("--bucket: s3://unversioned-truststores is not versioned");
    expect(result.stderr).toContain("aws s3api put-bucket-versioning --bucket unversioned-truststores --versioning-configuration Status=Enabled");
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it("confirms a versioned bucket with the truststore, an issued certificate and a free domain prefix", async () => {
    const out = join(dir, "checked.tfvars");
    const result = await runCli(["setup", ...seededFlags(out, seed.bucket)], awsEnv());
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
    expect(result.stdout).toContain(`checked: s3://${seed.bucket} is versioned`);
    expect(result.stdout).toContain(`checked: s3://${seed.bucket}/${seed.truststoreKey} passes cbat truststore check`);
    expect(result.stdout).toContain(`checked: ${seed.certificateArn} is issued for ${seed.domainName} and covers ${seed.domainName}`);
    expect(result.stdout).toContain(`checked: ${seed.ownershipCertificateArn} (ownership verification) is issued by ACM and covers ${seed.domainName}`);
    expect(result.stdout).toContain("checked: the Cognito domain prefix acme-api-auth is free in eu-west-1");
  }, 60_000);

  it("checks the truststore object as cbat truststore check does, and that the CRL bundle exists", async () => {
    const ca = await createCa();
    const leaf = await issueClientCert(ca, "CN=not a CA");
    await clients.s3.send(new PutObjectCommand({ Bucket: seed.bucket, Key: "with-leaf.pem", Body: ca.pem + leaf.pem }));
    const out = join(dir, "bad-truststore.tfvars");
    const result = await runCli(["setup", ...seededFlags(out, seed.bucket, { "--truststore-key": "with-leaf.pem", "--crl-key": "no-such-crls.pem" })], awsEnv());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`--truststore-key: s3://${seed.bucket}/with-leaf\\.pem: .*is not a CA certificate`));
    expect(result.stderr).toContain(`--crl-key: s3://${seed.bucket}/no-such-crls.pem cannot be read`);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it("refuses an imported or private-CA certificate without an ownership-verification certificate, writing nothing", async () => {
    const privateCa = await requested(seed.domainName, true);
    for (const [arn, type] of [[seed.certificateArn, "IMPORTED"], [privateCa, "PRIVATE"]]) {
      const out = join(dir, `no-ownership-${type}.tfvars`);
      const args = seededFlags(out, seed.bucket, { "--certificate-arn": arn });
      args.splice(args.indexOf("--ownership-certificate-arn"), 2);
      const result = await runCli(["setup", ...args], awsEnv());
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`--ownership-certificate-arn: is required: ${arn} is ${type}, and API Gateway requires an ownership-verification certificate`);
      expect(result.stderr).toContain(`aws acm request-certificate --domain-name ${seed.domainName} --validation-method DNS`);
      expect(existsSync(out)).toBe(false);
    }
    // An ownership certificate that is not a public ACM one is refused too.
    const result = await runCli(["setup", ...seededFlags(join(dir, "private-ownership.tfvars"), seed.bucket, { "--ownership-certificate-arn": privateCa })], awsEnv());
    expect(result.stderr).toContain(`--ownership-certificate-arn: ${privateCa} is PRIVATE: the ownership-verification certificate must be a public certificate issued by ACM (AMAZON_ISSUED)`);
  }, 60_000);

  it("checks that the certificate covers --domain, a wildcard matching one label only", async () => {
    const wildcard = await requested("*.wild.setup.test");
    const covered = await runCli(["setup", ...seededFlags(join(dir, "wild.tfvars"), seed.bucket, { "--domain": "api.wild.setup.test", "--certificate-arn": wildcard, "--ownership-certificate-arn": wildcard })], awsEnv());
    expect({ code: covered.code, stderr: covered.stderr }).toEqual({ code: 0, stderr: "" });
    expect(covered.stdout).toContain(`checked: ${wildcard} is issued for *.wild.setup.test and covers api.wild.setup.test`);
    // Two labels under the wildcard (the apex and other cases: setup-certificate-checks.test.ts).
    const out = join(dir, "two-labels.tfvars");
    const result = await runCli(["setup", ...seededFlags(out, seed.bucket, { "--domain": "a.b.wild.setup.test", "--certificate-arn": wildcard, "--ownership-certificate-arn": wildcard })], awsEnv());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`--certificate-arn: ${wildcard} is for *.wild.setup.test, which does not cover a.b.wild.setup.test (a wildcard covers one label)`);
    expect(existsSync(out)).toBe(false);
    const imported = await runCli(["setup", ...seededFlags(join(dir, "other.tfvars"), seed.bucket, { "--domain": "other.setup.test" })], awsEnv());
    expect(imported.stderr).toContain(`--certificate-arn: ${seed.certificateArn} is for ${seed.domainName}, which does not cover other.setup.test`);
  }, 60_000);
});
