/**
 * The one Terraform override for every run without an AWS account: the offline plan tests,
 * `npm run plan:offline` and `npm run test:deploy`. It replaces the stack's AWS provider
 * settings in a copy of the synthesized stack (an `*_override.tf.json` file, never in what
 * users deploy): fake credentials, no credential/metadata/region look-ups, path-style S3,
 * `max_retries = 1` (3 against a stand-in), and an endpoint for every service the stack may touch.
 *
 * - With `endpoint` (an AWS stand-in such as moto_server), every service goes there and the
 *   provider asks its STS for the account id (ARNs such as `execution_arn` are built from it).
 * - Without, nothing is called (`validate`, `plan -refresh=false`): the account id is not
 *   requested and there is no `endpoints` block, which would cost every run ~5 s of CPU in
 *   the provider's config validation for nothing (the fake credentials work nowhere anyway).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** AWS's documented example key pair: well formed, valid nowhere. */
export const FAKE_CREDENTIALS = { accessKey: "AKIAIOSFODNN7EXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" } as const;

/** Region when the stack's `aws_region` variable is null (the tests' and examples' region). */
export const DEFAULT_OFFLINE_REGION = "eu-west-1";

/** File name of the override in the stack folder (Terraform merges `*_override.tf.json` last). */
export const OVERRIDE_FILE = "cbat_offline_override.tf.json";

/**
 * Provider endpoint keys and the resource/data source types each serves, most specific prefix
 * first. It covers what the stack uses today (API Gateway, Lambda, IAM, Cognito, S3, CloudWatch
 * Logs, ACM, Route 53) and what it is about to use (CloudWatch alarms and dashboards, SNS, SSM,
 * WAFv2). A type that matches none is refused by `endpointServicesOf` rather than sent to AWS.
 */
export const SERVICE_ENDPOINTS: ReadonlyArray<{ readonly service: string; readonly typePrefixes: readonly string[] }> = [
  { service: "apigateway", typePrefixes: ["aws_api_gateway_"] },
  { service: "lambda", typePrefixes: ["aws_lambda_"] },
  { service: "iam", typePrefixes: ["aws_iam_"] },
  { service: "cognitoidentity", typePrefixes: ["aws_cognito_identity_pool"] },
  { service: "cognitoidp", typePrefixes: ["aws_cognito_"] },
  { service: "s3", typePrefixes: ["aws_s3_bucket", "aws_s3_object"] },
  { service: "logs", typePrefixes: ["aws_cloudwatch_log_"] },
  { service: "cloudwatch", typePrefixes: ["aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm", "aws_cloudwatch_dashboard", "aws_cloudwatch_metric_stream"] },
  { service: "acm", typePrefixes: ["aws_acm_certificate"] },
  { service: "route53", typePrefixes: ["aws_route53_record", "aws_route53_zone", "aws_route53_health_check"] },
  { service: "sns", typePrefixes: ["aws_sns_"] },
  { service: "ssm", typePrefixes: ["aws_ssm_parameter"] },
  { service: "kms", typePrefixes: ["aws_kms_key"] },
  { service: "wafv2", typePrefixes: ["aws_wafv2_"] },
  { service: "sts", typePrefixes: ["aws_caller_identity"] },
];

/** Data sources the provider answers without calling AWS. */
export const LOCAL_DATA_SOURCES: readonly string[] = ["aws_iam_policy_document", "aws_region", "aws_partition", "aws_default_tags"];

/**
 * Data sources that read the user's AWS objects at plan time (type → logical ids). Offline,
 * with nobody to ask, the override sets their count to 0; the stack copes (e.g. the truststore
 * version then stays what `truststore_version` says: null in an offline plan).
 */
export const OFFLINE_UNREAD_DATA_SOURCES: Readonly<Record<string, readonly string[]>> = { aws_s3_object: ["truststore_object"] };

export interface ProviderOverrideOptions {
  /** Base URL of an AWS stand-in for every service; absent: offline, no calls expected. */
  readonly endpoint?: string;
  /** @default the stack's `aws_region` variable, else DEFAULT_OFFLINE_REGION; without that variable, the stack's own provider region */
  readonly region?: string;
}

/** The service of a provider resource or data source type; undefined when none is known. */
export function serviceOf(type: string): string | undefined {
  return SERVICE_ENDPOINTS.find((entry) => entry.typePrefixes.some((prefix) => type.startsWith(prefix)))?.service;
}

/** The part of a synthesized stack (cdk.tf.json) this module reads. */
export interface SynthesizedStack {
  readonly resource?: Record<string, Record<string, unknown>>;
  readonly data?: Record<string, Record<string, unknown>>;
  readonly variable?: Record<string, unknown>;
}

/**
 * The services a synthesized stack calls, from its resource and data source types.
 * @throws Error naming every AWS type that no endpoint covers and where to add it
 */
export function endpointServicesOf(stack: SynthesizedStack): string[] {
  const types = [...Object.keys(stack.resource ?? {}), ...Object.keys(stack.data ?? {}).filter((t) => !LOCAL_DATA_SOURCES.includes(t))];
  const awsTypes = types.filter((type) => type.startsWith("aws_"));
  const uncovered = awsTypes.filter((type) => serviceOf(type) === undefined);
  if (uncovered.length > 0) {
    throw new Error(`no offline endpoint for ${uncovered.join(", ")}: add its service to SERVICE_ENDPOINTS in scripts/terraform/offline-provider.ts`);
  }
  return [...new Set(["sts", ...awsTypes.map((type) => serviceOf(type) as string)])].sort();
}

/** The override's JSON: an `aws` provider block that Terraform merges over the stack's own. */
export function providerOverride(options: ProviderOverrideOptions = {}, stack: SynthesizedStack = {}): Record<string, unknown> {
  const { endpoint } = options;
  const unread = endpoint !== undefined ? {} : Object.fromEntries(Object.entries(OFFLINE_UNREAD_DATA_SOURCES)
    .map(([type, ids]) => [type, Object.fromEntries(ids.filter((id) => stack.data?.[type]?.[id] !== undefined).map((id) => [id, { count: 0 }]))])
    .filter(([, ids]) => Object.keys(ids).length > 0));
  return {
    ...(Object.keys(unread).length > 0 ? { data: unread } : {}),
    provider: {
      aws: [{
        // A stack without our `aws_region` variable (a team's own composition) keeps its provider's region.
        ...(options.region !== undefined || stack.variable?.aws_region !== undefined
          ? { region: options.region ?? `\${coalesce(var.aws_region, "${DEFAULT_OFFLINE_REGION}")}` }
          : {}),
        access_key: FAKE_CREDENTIALS.accessKey,
        secret_key: FAKE_CREDENTIALS.secretKey,
        skip_credentials_validation: true,
        skip_metadata_api_check: true,
        skip_region_validation: true,
        // With a stand-in, its STS names the account; offline there is nobody to ask.
        skip_requesting_account_id: endpoint === undefined,
        s3_use_path_style: true,
        // An API the stand-in lacks would otherwise be retried for close to an hour; against a
        // stand-in, 3 tries ride out a dropped loopback connection on a loaded machine.
        max_retries: endpoint === undefined ? 1 : 3,
        ...(endpoint === undefined ? {} : { endpoints: [Object.fromEntries(SERVICE_ENDPOINTS.map(({ service }) => [service, endpoint]))] }),
      }],
    },
  };
}

/** Writes the override into a synthesized stack folder; returns its path. */
export function writeProviderOverride(stackDir: string, options: ProviderOverrideOptions = {}): string {
  const file = join(stackDir, OVERRIDE_FILE);
  const synthesized = join(stackDir, "cdk.tf.json");
  const stack = existsSync(synthesized) ? (JSON.parse(readFileSync(synthesized, "utf8")) as SynthesizedStack) : {};
  writeFileSync(file, `${JSON.stringify(providerOverride(options, stack), null, 2)}\n`);
  return file;
}
