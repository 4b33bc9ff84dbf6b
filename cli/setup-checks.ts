/**
 * `cbat setup`'s offline checks: the forms the stack's Terraform variables accept
 * (stacks/stack-inputs.ts validates the same on plan; the setup test proves the written file
 * passes an offline plan), plus what only fails at apply: certificates and the alarm topic in
 * another region than the stack's.
 */

export interface SetupAnswers {
  readonly region: string;
  readonly domain: string;
  readonly certificateArn: string;
  readonly ownershipCertificateArn?: string;
  readonly bucket: string;
  readonly truststoreKey: string;
  readonly domainPrefix?: string;
  readonly zoneId?: string;
  readonly alarmTopicArn?: string;
  readonly crlKey?: string;
  /** The state bucket (only named in the printed synth command). */
  readonly stateBucket?: string;
}

/** One problem with an answer: the flag, what is wrong, what to do. */
export interface SetupProblem {
  readonly flag: string;
  readonly message: string;
}

const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+$/;
const ACM_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[0-9a-f-]+$/;
const SNS_ARN = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;
const DNS_NAME = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** S3 bucket naming rules (general purpose buckets): 3-63 characters, lowercase letters, digits, '.', '-', alphanumeric at both ends, no '..', not an IP address. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const DOMAIN_PREFIX = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const ZONE_ID = /^Z[A-Z0-9]{1,32}$/;

function objectKeyProblem(flag: string, key: string): SetupProblem | undefined {
  if (key === "" || key.startsWith("/")) return { flag, message: `"${key}" must be an object key without a leading "/", e.g. truststore.pem` };
  // The authorizer's read policy names the objects: a pattern there would grant more than one.
  if (/[*?]|\$\{/.test(key)) return { flag, message: `"${key}" has *, ? or \${, which an IAM policy would read as a pattern; rename the object` };
  return undefined;
}

function arnRegionProblem(flag: string, arn: string, pattern: RegExp, what: string, region: string): SetupProblem | undefined {
  const match = pattern.exec(arn);
  if (!match) return { flag, message: `"${arn}" is not ${what}` };
  if (REGION.test(region) && match[1] !== region) return { flag, message: `${arn} is in ${match[1]}, the stack deploys to ${region}: use one in ${region} (API Gateway's regional domain needs its certificate in its own region)` };
  return undefined;
}

function bucketProblem(flag: string, bucket: string): SetupProblem | undefined {
  if (BUCKET.test(bucket) && !bucket.includes("..") && !/^\d+\.\d+\.\d+\.\d+$/.test(bucket)) return undefined;
  return { flag, message: `"${bucket}" is not an S3 bucket name: 3-63 lowercase letters, digits, '.' or '-', a letter or digit at both ends` };
}

/** Every problem of the answers; an empty list means the offline checks pass. */
export function checkSetupAnswers(answers: SetupAnswers, needsDomainPrefix: boolean): SetupProblem[] {
  const problems: Array<SetupProblem | undefined> = [];
  const { region } = answers;
  if (!REGION.test(region)) problems.push({ flag: "--region", message: `"${region}" is not an AWS region name such as eu-west-1` });
  if (!DNS_NAME.test(answers.domain)) problems.push({ flag: "--domain", message: `"${answers.domain}" must be a lowercase DNS name such as api.example.com (no scheme, no path)` });
  problems.push(arnRegionProblem("--certificate-arn", answers.certificateArn, ACM_ARN, "an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)", region));
  if (answers.ownershipCertificateArn !== undefined) problems.push(arnRegionProblem("--ownership-certificate-arn", answers.ownershipCertificateArn, ACM_ARN, "an ACM certificate ARN", region));
  problems.push(bucketProblem("--bucket", answers.bucket));
  if (answers.stateBucket !== undefined) problems.push(bucketProblem("--state-bucket", answers.stateBucket));
  problems.push(objectKeyProblem("--truststore-key", answers.truststoreKey));
  if (answers.crlKey !== undefined) problems.push(objectKeyProblem("--crl-key", answers.crlKey));
  if (answers.domainPrefix !== undefined) {
    if (!DOMAIN_PREFIX.test(answers.domainPrefix)) problems.push({ flag: "--domain-prefix", message: `"${answers.domainPrefix}" must be 1-63 lowercase letters, digits and hyphens, not first or last` });
    else if (/aws|amazon|cognito/.test(answers.domainPrefix)) problems.push({ flag: "--domain-prefix", message: `"${answers.domainPrefix}" contains aws, amazon or cognito, which Cognito refuses in a domain prefix` });
  } else if (needsDomainPrefix) {
    problems.push({ flag: "--domain-prefix", message: "is required: cbat.config.json has machineClients, whose tokens come from https://<prefix>.auth.<region>.amazoncognito.com/oauth2/token" });
  }
  if (answers.zoneId !== undefined && !ZONE_ID.test(answers.zoneId)) problems.push({ flag: "--zone-id", message: `"${answers.zoneId}" is not a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ` });
  if (answers.alarmTopicArn !== undefined) problems.push(arnRegionProblem("--alarm-topic-arn", answers.alarmTopicArn, SNS_ARN, "an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)", region));
  return problems.filter((p): p is SetupProblem => p !== undefined);
}

/** The Terraform variables the answers set, in the stack's names. */
export function tfvarsOf(answers: SetupAnswers): Record<string, string> {
  const vars: Record<string, string | undefined> = {
    aws_region: answers.region,
    custom_domain_name: answers.domain,
    custom_domain_cert_arn: answers.certificateArn,
    ownership_verification_certificate_arn: answers.ownershipCertificateArn,
    bucket_name: answers.bucket,
    ca_cert_key: answers.truststoreKey,
    user_pool_domain_prefix: answers.domainPrefix,
    route53_zone_id: answers.zoneId,
    alarm_topic_arn: answers.alarmTopicArn,
    crl_key: answers.crlKey,
  };
  return Object.fromEntries(Object.entries(vars).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** HCL tfvars text; every value is a string the checks above allow (no quotes or backslashes). */
export function tfvarsText(vars: Record<string, string>, header: string): string {
  const width = Math.max(...Object.keys(vars).map((name) => name.length));
  return `${header}\n${Object.entries(vars).map(([name, value]) => `${name.padEnd(width)} = ${JSON.stringify(value)}`).join("\n")}\n`;
}
