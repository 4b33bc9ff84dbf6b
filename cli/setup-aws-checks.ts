/**
 * `cbat setup`'s checks with AWS credentials (the standard chain; AWS_ENDPOINT_URL for a
 * stand-in): the truststore bucket is versioned and holds a truststore that passes `cbat truststore
 * check` (and the CRL bundle, with --crl-key), the custom domain's
 * certificate is issued for the domain and comes with an ownership-verification certificate when
 * API Gateway needs one (setup-certificate-checks.ts), the Cognito domain prefix is free. Without credentials nothing is
 * called and each check is listed as not done.
 */
import { CognitoIdentityProviderClient, DescribeUserPoolDomainCommand } from "@aws-sdk/client-cognito-identity-provider";
import { GetBucketVersioningCommand, GetObjectCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { quietNodeVersionNotice } from "./node-version-notice";
import { certificateProblems, type DescribedCertificate } from "./setup-certificate-checks";
import type { SetupAnswers, SetupProblem } from "./setup-checks";

export interface AwsCheckReport {
  readonly problems: SetupProblem[];
  /** What was confirmed. */
  readonly confirmed: string[];
  /** What could not be checked, and why. */
  readonly unchecked: string[];
}

const isCredentialsError = (error: unknown) => ["CredentialsProviderError", "ExpiredTokenException", "UnrecognizedClientException", "InvalidClientTokenId"].includes((error as Error).name);

export async function checkWithAws(answers: SetupAnswers): Promise<AwsCheckReport> {
  quietNodeVersionNotice();
  const report: AwsCheckReport = { problems: [], confirmed: [], unchecked: [] };
  const s3 = new S3Client({ region: answers.region, forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL), maxAttempts: 2 });
  const cognito = new CognitoIdentityProviderClient({ region: answers.region, maxAttempts: 2 });
  try {
    const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: answers.bucket }));
    if (versioning.Status !== "Enabled") {
      report.problems.push({ flag: "--bucket", message: `s3://${answers.bucket} is not versioned (${versioning.Status ?? "never enabled"}): API Gateway reads the truststore by version. Enable it: aws s3api put-bucket-versioning --bucket ${answers.bucket} --versioning-configuration Status=Enabled` });
    } else report.confirmed.push(`s3://${answers.bucket} is versioned`);
    const truststore = `s3://${answers.bucket}/${answers.truststoreKey}`;
    try {
      // The object API Gateway will load, checked as `cbat truststore check` checks a file.
      const object = await s3.send(new GetObjectCommand({ Bucket: answers.bucket, Key: answers.truststoreKey }));
      const text = await object.Body!.transformToString("utf8");
      const { checkTruststore }: typeof import("./truststore-check") = require("./truststore-check");
      const errors = (await checkTruststore(text)).problems.filter((p) => p.severity === "error");
      for (const p of errors) report.problems.push({ flag: "--truststore-key", message: `${truststore}: ${p.certificate}: ${p.message}` });
      if (errors.length === 0) report.confirmed.push(`${truststore} passes cbat truststore check`);
    } catch (error) {
      if (isCredentialsError(error)) throw error;
      report.problems.push({ flag: "--truststore-key", message: `${truststore} cannot be read (${(error as Error).name}): upload the truststore first (npx cbat truststore check truststore.pem && aws s3 cp truststore.pem ${truststore})` });
    }
    if (answers.crlKey !== undefined) {
      // With crl_key set and no such object, the authorizer refuses every call (crl_stale).
      try {
        await s3.send(new HeadObjectCommand({ Bucket: answers.bucket, Key: answers.crlKey }));
        report.confirmed.push(`s3://${answers.bucket}/${answers.crlKey} exists`);
      } catch (error) {
        if (isCredentialsError(error)) throw error;
        report.problems.push({ flag: "--crl-key", message: `s3://${answers.bucket}/${answers.crlKey} cannot be read (${(error as Error).name}): with crl_key set the authorizer refuses every call until it can; upload the CRL bundle first (npx cbat revocation check …, then aws s3 cp)` });
      }
    }
  } catch (error) {
    s3.destroy();
    cognito.destroy();
    if (isCredentialsError(error)) return { problems: [], confirmed: [], unchecked: [`no usable AWS credentials (${(error as Error).name}): the bucket's versioning, the certificate's status and the domain prefix were not checked`] };
    report.problems.push({ flag: "--bucket", message: `s3://${answers.bucket}: ${(error as Error).name}: it must exist in your account, versioned` });
  }
  s3.destroy();

  await checkCertificate(answers, report);

  if (answers.domainPrefix !== undefined) {
    try {
      const domain = await cognito.send(new DescribeUserPoolDomainCommand({ Domain: answers.domainPrefix }));
      const owner = domain.DomainDescription?.UserPoolId;
      if (owner) report.problems.push({ flag: "--domain-prefix", message: `${answers.domainPrefix} is taken in ${answers.region} (by user pool ${owner}); choose another, e.g. ${answers.domainPrefix}-auth` });
      else report.confirmed.push(`the Cognito domain prefix ${answers.domainPrefix} is free in ${answers.region}`);
    } catch (error) {
      report.unchecked.push(`the Cognito domain prefix ${answers.domainPrefix}: ${(error as Error).name}`);
    }
  }
  cognito.destroy();
  return report;
}

/** ACM's DescribeCertificate of both certificates, judged by setup-certificate-checks.ts. */
async function checkCertificate(answers: SetupAnswers, report: AwsCheckReport): Promise<void> {
  let acm: typeof import("@aws-sdk/client-acm");
  try {
    acm = await import("@aws-sdk/client-acm");
  } catch {
    report.unchecked.push("the certificates' status: @aws-sdk/client-acm is not installed");
    return;
  }
  const client = new acm.ACMClient({ region: answers.region, maxAttempts: 2 });
  const describe = async (flag: string, arn: string): Promise<DescribedCertificate | undefined> => {
    try {
      return (await client.send(new acm.DescribeCertificateCommand({ CertificateArn: arn }))).Certificate ?? {};
    } catch (error) {
      report.problems.push({ flag, message: `${arn}: ${(error as Error).name}: it must be an ACM certificate of this account in ${answers.region}` });
      return undefined;
    }
  };
  try {
    const certificate = await describe("--certificate-arn", answers.certificateArn);
    const ownershipArn = answers.ownershipCertificateArn;
    const ownership = ownershipArn === undefined ? undefined : await describe("--ownership-certificate-arn", ownershipArn);
    if (certificate === undefined || (ownershipArn !== undefined && ownership === undefined)) return;
    const problems = certificateProblems(answers.domain, answers.certificateArn, certificate, ownershipArn === undefined ? undefined : { arn: ownershipArn, certificate: ownership! });
    report.problems.push(...problems);
    if (problems.length === 0) {
      report.confirmed.push(`${answers.certificateArn} is issued${certificate.DomainName ? ` for ${certificate.DomainName}` : ""} and covers ${answers.domain}`);
      if (ownershipArn !== undefined) report.confirmed.push(`${ownershipArn} (ownership verification) is issued by ACM and covers ${answers.domain}`);
    }
  } finally {
    client.destroy();
  }
}
