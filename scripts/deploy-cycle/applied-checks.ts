/**
 * After the apply, what the AWS APIs show must be what the stack configured, for every
 * resource of the checked types in the state (so new functions, pools, clients or authorizers
 * are checked as soon as the stack has them), plus the invariants certificate binding rests
 * on: every pool runs a V3_0 pre token generation trigger that is one of the stack's
 * functions, no app client can write the binding attribute, no authorizer caches results
 * across certificates, no REST API keeps its default endpoint, every function runs as one of
 * the stack's roles. An attribute the stand-in does not return is reported as a named gap.
 */
import { GetAuthorizerCommand, GetDomainNameCommand, GetRestApiCommand } from "@aws-sdk/client-api-gateway";
import { DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeUserPoolClientCommand, DescribeUserPoolCommand } from "@aws-sdk/client-cognito-identity-provider";
import { GetRoleCommand } from "@aws-sdk/client-iam";
import { GetFunctionCommand } from "@aws-sdk/client-lambda";
import { CERT_FINGERPRINT_ATTRIBUTE } from "../../stacks/cert-bound-user-pool";
import { OPERATIONS_CHECKS } from "./applied-operations-checks";
import { TOKEN_ENDPOINT_CHECKS } from "./applied-token-endpoint-checks";
import { lambdaPolicySize } from "./policy-size-check";
import { expectSame, expectStackRole, first, ofType, sorted, type Check, type CheckContext, type Findings } from "./check-kit";

const BINDING_ATTRIBUTE = `custom:${CERT_FINGERPRINT_ATTRIBUTE}`;

const userPool: Check = async (v, ctx, found) => {
  const where = `user pool ${v.name}`;
  const pool = (await ctx.clients.cognito.send(new DescribeUserPoolCommand({ UserPoolId: v.id }))).UserPool;
  const shownAttributes = new Set((pool?.SchemaAttributes ?? []).map((a) => a.Name));
  for (const attribute of v.schema ?? []) {
    if (!shownAttributes.has(attribute.name) && !shownAttributes.has(`custom:${attribute.name}`)) found.problems.push(`${where}: attribute ${attribute.name} is missing`);
  }
  if (!shownAttributes.has(BINDING_ATTRIBUTE)) found.problems.push(`${where}: ${BINDING_ATTRIBUTE} is missing`);
  const trigger = pool?.LambdaConfig?.PreTokenGenerationConfig;
  const configured = first(first(v.lambda_config)?.pre_token_generation_config);
  if (!trigger?.LambdaArn) {
    found.problems.push(`${where}: no pre token generation trigger, so its access tokens would carry no cnf binding`);
    return;
  }
  expectSame(found, ctx, where, "aws_cognito_user_pool", "pre_token_generation_config.lambda_arn", trigger.LambdaArn, configured?.lambda_arn);
  // V3_0: access tokens of user sign-in and of client_credentials (machine clients) both get their cnf.
  if (trigger.LambdaVersion !== "V3_0") found.problems.push(`${where}: trigger version ${trigger.LambdaVersion}, V3_0 is needed to bind user and machine-client access tokens`);
  const fn = ofType(ctx, "aws_lambda_function").find((f) => f.values.arn === trigger.LambdaArn);
  if (!fn) found.problems.push(`${where}: the trigger ${trigger.LambdaArn} is not one of the stack's functions`);
  else await ctx.clients.lambda.send(new GetFunctionCommand({ FunctionName: fn.values.function_name }));
};

const userPoolClient: Check = async (v, ctx, found) => {
  const where = `app client ${v.name}`;
  const client = (await ctx.clients.cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: v.user_pool_id, ClientId: v.id }))).UserPoolClient;
  expectSame(found, ctx, where, "aws_cognito_user_pool_client", "write_attributes", sorted(client?.WriteAttributes ?? []), sorted(v.write_attributes ?? []));
  expectSame(found, ctx, where, "aws_cognito_user_pool_client", "explicit_auth_flows", sorted(client?.ExplicitAuthFlows ?? []), sorted(v.explicit_auth_flows ?? []));
  const writable = client?.WriteAttributes ?? [];
  // Cognito lets a client with no write_attributes write every attribute.
  if (writable.length === 0 || writable.includes(BINDING_ATTRIBUTE)) found.problems.push(`${where}: can write ${BINDING_ATTRIBUTE}, so users could bind their own certificate`);
};

const lambdaFunction: Check = async (v, ctx, found) => {
  const where = `function ${v.function_name}`;
  const configuration = (await ctx.clients.lambda.send(new GetFunctionCommand({ FunctionName: v.function_name }))).Configuration;
  expectSame(found, ctx, where, "aws_lambda_function", "role", configuration?.Role, v.role);
  expectSame(found, ctx, where, "aws_lambda_function", "runtime", configuration?.Runtime, v.runtime);
  expectSame(found, ctx, where, "aws_lambda_function", "handler", configuration?.Handler, v.handler);
  expectSame(found, ctx, where, "aws_lambda_function", "environment", configuration?.Environment?.Variables ?? {}, first(v.environment)?.variables ?? {});
  expectSame(found, ctx, where, "aws_lambda_function", "tracing_config", configuration?.TracingConfig?.Mode, first(v.tracing_config)?.mode);
  await expectStackRole(found, ctx, where, configuration?.Role, "lambda.amazonaws.com");
  await lambdaPolicySize(v, ctx, found);
};

const iamRole: Check = async (v, ctx, found) => {
  const role = (await ctx.clients.iam.send(new GetRoleCommand({ RoleName: v.name }))).Role;
  expectSame(found, ctx, `role ${v.name}`, "aws_iam_role", "arn", role?.Arn, v.arn);
};

const restApi: Check = async (v, ctx, found) => {
  const api = await ctx.clients.apiGateway.send(new GetRestApiCommand({ restApiId: v.id }));
  expectSame(found, ctx, `REST API ${v.name}`, "aws_api_gateway_rest_api", "name", api.name, v.name);
  // The execute-api endpoint does no mutual TLS: open, it would bypass the certificate check.
  if (api.disableExecuteApiEndpoint !== true) found.problems.push(`REST API ${v.name}: the default execute-api endpoint is enabled (no mutual TLS there)`);
};

const authorizer: Check = async (v, ctx, found) => {
  const where = `authorizer ${v.name}`;
  const shown = await ctx.clients.apiGateway.send(new GetAuthorizerCommand({ restApiId: v.rest_api_id, authorizerId: v.id }));
  expectSame(found, ctx, where, "aws_api_gateway_authorizer", "authorizer_result_ttl_in_seconds", shown.authorizerResultTtlInSeconds, v.authorizer_result_ttl_in_seconds);
  expectSame(found, ctx, where, "aws_api_gateway_authorizer", "identity_source", shown.identitySource, v.identity_source);
  expectSame(found, ctx, where, "aws_api_gateway_authorizer", "authorizer_uri", shown.authorizerUri, v.authorizer_uri);
  // Results are cached by identity source only: with a TTL, an Allow would be replayed for other certificates.
  const perCertificate = (shown.identitySource ?? "").includes("context.identity.clientCert");
  if (shown.authorizerResultTtlInSeconds !== 0 && !perCertificate) {
    found.problems.push(`${where}: caches results for ${shown.authorizerResultTtlInSeconds} s by ${shown.identitySource}, not per certificate`);
  }
  if (!ofType(ctx, "aws_lambda_function").some((f) => f.values.invoke_arn === shown.authorizerUri)) {
    found.problems.push(`${where}: ${shown.authorizerUri} is not the invoke ARN of one of the stack's functions`);
  }
};

const domainName: Check = async (v, ctx, found) => {
  const where = `custom domain ${v.domain_name}`;
  const domain = await ctx.clients.apiGateway.send(new GetDomainNameCommand({ domainName: v.domain_name }));
  expectSame(found, ctx, where, "aws_api_gateway_domain_name", "regional_certificate_arn", domain.regionalCertificateArn, v.regional_certificate_arn);
  expectSame(found, ctx, where, "aws_api_gateway_domain_name", "security_policy", domain.securityPolicy, v.security_policy);
  const truststore = first(v.mutual_tls_authentication);
  if (!truststore?.truststore_uri) found.problems.push(`${where}: no mutual TLS truststore configured`);
  expectSame(found, ctx, where, "aws_api_gateway_domain_name", "mutual_tls_authentication", domain.mutualTlsAuthentication?.truststoreUri, truststore?.truststore_uri);
  expectSame(found, ctx, where, "aws_api_gateway_domain_name", "ownership_verification_certificate_arn", domain.ownershipVerificationCertificateArn, v.ownership_verification_certificate_arn ?? undefined);
};

const logGroup: Check = async (v, ctx, found) => {
  const groups = (await ctx.clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: v.name }))).logGroups ?? [];
  const group = groups.find((g) => g.logGroupName === v.name);
  if (!group) found.problems.push(`log group ${v.name} is missing`);
  else expectSame(found, ctx, `log group ${v.name}`, "aws_cloudwatch_log_group", "retention_in_days", group.retentionInDays, v.retention_in_days);
};

/** The checks by Terraform resource type; other types are checked by the second plan's refresh. */
export const APPLIED_CHECKS: Readonly<Record<string, Check>> = {
  aws_cognito_user_pool: userPool,
  aws_cognito_user_pool_client: userPoolClient,
  aws_lambda_function: lambdaFunction,
  aws_iam_role: iamRole,
  aws_api_gateway_rest_api: restApi,
  aws_api_gateway_authorizer: authorizer,
  aws_api_gateway_domain_name: domainName,
  aws_cloudwatch_log_group: logGroup,
  ...OPERATIONS_CHECKS,
  ...TOKEN_ENDPOINT_CHECKS,
};

export interface AppliedCheckReport {
  /** Checked instances by type, e.g. { aws_lambda_function: 3 }. */
  readonly checked: Record<string, number>;
  /** Types in the state without an SDK check (their refresh in the second plan is their check). */
  readonly refreshOnly: string[];
  readonly problems: string[];
  readonly gaps: string[];
  /** Figures the checks measured, e.g. each function's policy bytes. */
  readonly notes: string[];
}

export type { CheckContext };

export async function checkApplied(ctx: CheckContext): Promise<AppliedCheckReport> {
  const found: Findings = { problems: [], gaps: [], notes: [] };
  const checked: Record<string, number> = {};
  for (const resource of ctx.state) {
    const check = APPLIED_CHECKS[resource.type];
    if (!check) continue;
    checked[resource.type] = (checked[resource.type] ?? 0) + 1;
    try {
      await check(resource.values, ctx, found);
    } catch (error) {
      found.problems.push(`${resource.address}: ${(error as Error).name}: ${(error as Error).message}`);
    }
  }
  const refreshOnly = [...new Set(ctx.state.map((r) => r.type))].filter((type) => !APPLIED_CHECKS[type]).sort();
  return { checked, refreshOnly, ...found };
}
