/**
 * What a user brings to a deployment, created through the AWS SDK from the same dev PKI code
 * that `npm run local` uses: a versioned S3 bucket holding the dev PKI's truststore (its CA),
 * an ACM certificate imported for the custom domain (with its chain), and the ACM-issued
 * certificate that proves ownership of the domain, which AWS requires next to an imported one.
 * With them, the stack's variables for the cycle, including the optional features it turns on.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { DeleteCertificateCommand, ImportCertificateCommand, RequestCertificateCommand } from "@aws-sdk/client-acm";
import {
  CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, ListObjectVersionsCommand, PutBucketVersioningCommand, PutObjectCommand,
  type BucketLocationConstraint,
} from "@aws-sdk/client-s3";
import { ensureDevPki } from "../../local/dev-pki";
import { createCa, issueCertificate } from "../../local/pki";
import type { AwsClients } from "./aws-clients";

export interface SeededInputs {
  readonly bucket: string;
  readonly truststoreKey: string;
  /** S3 version id of the truststore object. */
  readonly truststoreVersion: string;
  readonly domainName: string;
  /** The imported server certificate of the custom domain. */
  readonly certificateArn: string;
  readonly ownershipCertificateArn: string;
}

/** PEM texts of what a user brings. */
export interface SeedCertificates {
  readonly domainName: string;
  /** The dev PKI's CA: the truststore of client certificates. */
  readonly truststorePem: string;
  readonly serverPem: string;
  readonly serverKeyPem: string;
  readonly serverChainPem: string;
}

/** The dev PKI (in `pkiDir`) and a server certificate for `domainName` from its own CA (client and server CAs differ in practice). */
export async function createSeedCertificates(pkiDir: string, domainName: string): Promise<SeedCertificates> {
  const pki = await ensureDevPki(pkiDir);
  const serverCa = await createCa("CN=cbat deploy-cycle server CA,O=cbat local");
  const server = await issueCertificate(serverCa, `CN=${domainName},O=cbat local`, { usage: "server", dnsNames: [domainName], days: 30 });
  return { domainName, truststorePem: readFileSync(pki.cert.ca, "utf8"), serverPem: server.pem, serverKeyPem: server.privateKeyPem, serverChainPem: serverCa.pem };
}

export async function seedUserInputs(clients: AwsClients, certificates: SeedCertificates, region: string): Promise<SeededInputs> {
  // Unique per run, so that runs against a shared AWS_ENDPOINT_URL do not meet.
  const bucket = `cbat-deploy-cycle-${randomBytes(4).toString("hex")}`;
  const truststoreKey = "truststore.pem";
  await clients.s3.send(new CreateBucketCommand({
    Bucket: bucket,
    ...(region === "us-east-1" ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
  }));
  await clients.s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
  const put = await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: truststoreKey, Body: certificates.truststorePem, ContentType: "application/x-pem-file" }));
  if (!put.VersionId) throw new Error(`s3://${bucket}/${truststoreKey} got no version id: the endpoint did not enable versioning`);

  const imported = await clients.acm.send(new ImportCertificateCommand({
    Certificate: Buffer.from(certificates.serverPem),
    PrivateKey: Buffer.from(certificates.serverKeyPem),
    CertificateChain: Buffer.from(certificates.serverChainPem),
  }));
  const ownership = await clients.acm.send(new RequestCertificateCommand({ DomainName: certificates.domainName, ValidationMethod: "DNS" }));
  if (!imported.CertificateArn || !ownership.CertificateArn) throw new Error("ACM returned no certificate ARN");
  return {
    bucket,
    truststoreKey,
    truststoreVersion: put.VersionId,
    domainName: certificates.domainName,
    certificateArn: imported.CertificateArn,
    ownershipCertificateArn: ownership.CertificateArn,
  };
}

/** An optional feature the cycle turns on, so that the resources it adds are applied and destroyed too. */
export interface EnabledInput {
  readonly variable: string;
  readonly value: unknown;
  readonly adds: string;
}

export const ENABLED_INPUTS: readonly EnabledInput[] = [
  { variable: "xray_tracing_enabled", value: true, adds: "each function's X-Ray write policy, Active tracing on the functions and the stage" },
  // Terraform only grants the read; the authorizer reads the object at run time, which moto never runs.
  { variable: "crl_key", value: "crls.pem", adds: "the authorizer's s3:GetObject policy on the truststore and the CRL bundle, and its revocation settings" },
];

/** The stack's Terraform variables: the seeded inputs and the enabled features. */
export function seededTfvars(seed: SeededInputs, region: string): Record<string, unknown> {
  return {
    ...Object.fromEntries(ENABLED_INPUTS.map((input) => [input.variable, input.value])),
    aws_region: region,
    bucket_name: seed.bucket,
    ca_cert_key: seed.truststoreKey,
    // No truststore_version: the stack reads the object's version id at plan time (data source aws_s3_object).
    // The cycle destroys the pool; deletion protection (on by default) would refuse that.
    user_pool_deletion_protection: false,
    custom_domain_name: seed.domainName,
    custom_domain_cert_arn: seed.certificateArn,
    ownership_verification_certificate_arn: seed.ownershipCertificateArn,
    // Used only when machineClients are configured (the pool's domain for their token endpoint).
    user_pool_domain_prefix: "cbat-deploy-cycle",
    // An SSE-KMS truststore bucket's key, so the authorizer's kms:Decrypt policy is applied and
    // destroyed too (IAM stores the ARN; nothing decrypts on the stand-in).
    truststore_kms_key_arn: `arn:aws:kms:${region}:123456789012:key/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d`,
  };
}

/** Deletes what seedUserInputs created; returns what could not be deleted. */
export async function removeSeed(clients: AwsClients, seed: SeededInputs): Promise<string[]> {
  const failures: string[] = [];
  const attempt = async (what: string, action: () => Promise<unknown>) => {
    try {
      await action();
    } catch (error) {
      failures.push(`${what}: ${(error as Error).name}`);
    }
  };
  await attempt(`s3://${seed.bucket}`, async () => {
    const versions = await clients.s3.send(new ListObjectVersionsCommand({ Bucket: seed.bucket }));
    for (const v of [...(versions.Versions ?? []), ...(versions.DeleteMarkers ?? [])]) {
      await clients.s3.send(new DeleteObjectCommand({ Bucket: seed.bucket, Key: v.Key, VersionId: v.VersionId }));
    }
    await clients.s3.send(new DeleteBucketCommand({ Bucket: seed.bucket }));
  });
  for (const arn of [seed.certificateArn, seed.ownershipCertificateArn]) {
    await attempt(arn, () => clients.acm.send(new DeleteCertificateCommand({ CertificateArn: arn })));
  }
  return failures;
}
