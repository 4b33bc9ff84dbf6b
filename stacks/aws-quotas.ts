/**
 * The one table of the AWS quotas this stack can reach: AWS's number, where AWS says so, and
 * whether an account can have it raised. Synth checks every one of them (see quota-checks.ts),
 * so a limit shows before `terraform apply`, never part-way through one. moto enforces none.
 *
 * Sources (read through the docs corpus, December 2026):
 * - Lambda: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 * - API Gateway REST APIs: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html
 * - Cognito: https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html and the API reference
 *   (ResourceServerType: "Maximum number of 100 items"; ResourceServerScopeType; CreateGroup)
 * - SSM Parameter Store: https://docs.aws.amazon.com/general/latest/gr/ssm.html
 * - PutFunctionConcurrency: https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionConcurrency.html
 * - IAM: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html ("Role policy size
 *   cannot exceed 10,240 characters": all inline policies of a role together, white space not counted)
 */

export interface AwsQuota {
  /** What is limited, as AWS names it. */
  readonly name: string;
  /** AWS's number (the default where raisable). */
  readonly value: number;
  readonly unit: "bytes" | "count" | "characters";
  /** Whether an account can have it raised (Service Quotas or AWS Support). */
  readonly raisable: boolean;
  /** AWS's page that states it. */
  readonly source: string;
  /** What the stack does at it. */
  readonly atTheLimit: string;
  /** The setting for an account whose quota was raised; only for raisable quotas the stack checks. */
  readonly knob?: string;
}

const LAMBDA = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html";
const REST_API = "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html";
const COGNITO = "https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html";
const COGNITO_RESOURCE_SERVER = "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ResourceServerType.html";
const COGNITO_SCOPE = "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ResourceServerScopeType.html";
const COGNITO_CLIENT = "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html";
const COGNITO_GROUP = "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateGroup.html";
const SSM = "https://docs.aws.amazon.com/general/latest/gr/ssm.html";
const CONCURRENCY = "https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionConcurrency.html";
const IAM = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html";

export const AWS_QUOTAS = {
  lambdaResourcePolicyBytes: {
    name: "Lambda function resource-based policy size", value: 20_480, unit: "bytes", raisable: false, source: LAMBDA,
    atTheLimit: "synth computes every function's policy (one statement per function, API, stage and method) and refuses past it, naming the function and its size",
  },
  lambdaEnvironmentBytes: {
    name: "Lambda environment variables, all of a function's together", value: 4_096, unit: "bytes", raisable: false, source: LAMBDA,
    atTheLimit: "tables that grow with the document or config (route scopes, group scopes) ship as files in the function's zip; synth checks every function's environment",
  },
  unreservedConcurrencyMinimum: {
    name: "Unreserved concurrent executions an account keeps (PutFunctionConcurrency)", value: 100, unit: "count", raisable: false, source: CONCURRENCY,
    atTheLimit: "authorizer_reserved_concurrency's description says so and plan:summary warns whenever it is set; no upper bound is certain (the account quota is raisable), so validation keeps only ≥ 1",
  },
  accountConcurrentExecutions: {
    name: "Lambda concurrent executions per account and Region", value: 1_000, unit: "count", raisable: true, source: LAMBDA,
    atTheLimit: "with the 100 unreserved, bounds what authorizer_reserved_concurrency can be; new accounts may have less",
  },
  resourcesPerApi: {
    name: "REST API resources per API", value: 300, unit: "count", raisable: true, source: REST_API,
    atTheLimit: "synth counts the document's resources (every path segment, the root excluded) and refuses past it with the count",
    knob: "api.quotas.resourcesPerApi in cbat.config.json",
  },
  authorizersPerApi: {
    name: "REST API authorizers per API (Lambda and Cognito)", value: 10, unit: "count", raisable: true, source: REST_API,
    atTheLimit: "the stack creates exactly 1; the document cannot add any",
  },
  stagesPerApi: {
    name: "REST API stages per API", value: 10, unit: "count", raisable: true, source: REST_API,
    atTheLimit: "the stack creates exactly 1 (prod)",
  },
  cognitoAppClientsPerPool: {
    name: "Cognito app clients per user pool", value: 1_000, unit: "count", raisable: true, source: COGNITO,
    atTheLimit: "synth counts the users' client and every machine client, and refuses past it",
    knob: "api.quotas.appClientsPerPool in cbat.config.json",
  },
  cognitoScopesPerResourceServer: {
    name: "Cognito custom scopes per resource server", value: 100, unit: "count", raisable: false, source: COGNITO_RESOURCE_SERVER,
    atTheLimit: "synth refuses a 101st scope, naming the resource server",
  },
  cognitoScopesPerAppClient: {
    name: "Cognito allowed OAuth scopes per app client (AllowedOAuthScopes)", value: 50, unit: "count", raisable: false, source: COGNITO_CLIENT,
    atTheLimit: "synth refuses a machine client with more (its default scope counted), naming the client",
  },
  cognitoScopeDescriptionCharacters: {
    name: "Cognito scope description (ScopeDescription)", value: 256, unit: "characters", raisable: false, source: COGNITO_SCOPE,
    atTheLimit: "generated descriptions are shortened to fit; the scope itself is in the token",
  },
  cognitoGroupNameCharacters: {
    name: "Cognito group name (CreateGroup GroupName, letters, marks, symbols, digits, punctuation)", value: 128, unit: "characters", raisable: false, source: COGNITO_GROUP,
    atTheLimit: "synth refuses a group name Cognito would refuse, naming it",
  },
  cognitoGroupsPerPool: {
    name: "Cognito groups per user pool", value: 10_000, unit: "count", raisable: false, source: COGNITO,
    atTheLimit: "synth refuses more groups than that",
  },
  ssmStandardParameterBytes: {
    name: "SSM Parameter Store standard parameter value", value: 4_096, unit: "bytes", raisable: false, source: SSM,
    atTheLimit: "one parameter per machine client (about 90 bytes each); synth checks every value's size",
  },
  ssmStandardParametersPerRegion: {
    name: "SSM Parameter Store standard parameters per account and Region", value: 10_000, unit: "count", raisable: false, source: SSM,
    atTheLimit: "one per machine client, and one more (its secret) per client of the mTLS token endpoint: 500 such clients use 10%; the account's other parameters count too (not checked)",
  },
  iamRolePolicyCharacters: {
    name: "IAM role policy size (all inline policies of a role)", value: 10_240, unit: "characters", raisable: false, source: IAM,
    atTheLimit: "every grant names a path or a key, never a list that grows with the config, so each role's policies keep one size; the scale test measures them at 500 clients",
  },
} as const satisfies Record<string, AwsQuota>;

export type AwsQuotaName = keyof typeof AWS_QUOTAS;

/** The error text of a crossed quota: what, how much, AWS's number, and what to do. */
export function quotaMessage(quota: AwsQuotaName, subject: string, actual: number, limit: number = AWS_QUOTAS[quota].value): string {
  const q: AwsQuota = AWS_QUOTAS[quota];
  const raise = q.raisable
    ? q.knob ? `; if your account's quota was raised, set ${q.knob}` : "; ask AWS to raise it"
    : " (AWS cannot raise it)";
  return `${subject}: ${actual} ${q.unit}, more than the ${limit} of the AWS quota "${q.name}"${raise} — ${q.source}`;
}
