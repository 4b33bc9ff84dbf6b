/**
 * SDK checks of what the mTLS token endpoint adds (issue 25), and the invariant it rests on:
 * - every KMS key is enabled with the configured spec and usage (the voucher key an HMAC key for
 *   GenerateMac/VerifyMac, the client-secret key a symmetric key with rotation on);
 * - every SSM parameter has the configured type and tier, and a SecureString one (a machine client's
 *   app client secret) is encrypted with one of the stack's own keys, not the account-wide aws/ssm
 *   key. Values are never read (no WithDecryption): the check sees metadata only;
 * - every method has the configured authorization, and the only methods without the Lambda authorizer
 *   are the token endpoint's two routes (a route of the API without it would take any token).
 */
import { GetMethodCommand } from "@aws-sdk/client-api-gateway";
import { DescribeKeyCommand, GetKeyRotationStatusCommand } from "@aws-sdk/client-kms";
import { DescribeParametersCommand } from "@aws-sdk/client-ssm";
import { TOKEN_ENDPOINT_ROUTES } from "../../stacks/token-endpoint";
import { expectSame, ofType, type Check } from "./check-kit";

const kmsKey: Check = async (v, ctx, found) => {
  const where = `KMS key ${v.description ?? v.key_id}`;
  const shown = (await ctx.clients.kms.send(new DescribeKeyCommand({ KeyId: v.key_id }))).KeyMetadata;
  if (shown?.KeyState !== "Enabled") found.problems.push(`${where}: state ${shown?.KeyState}, not Enabled`);
  expectSame(found, ctx, where, "aws_kms_key", "customer_master_key_spec", shown?.KeySpec, v.customer_master_key_spec);
  expectSame(found, ctx, where, "aws_kms_key", "key_usage", shown?.KeyUsage, v.key_usage);
  if (v.enable_key_rotation) {
    const rotation = await ctx.clients.kms.send(new GetKeyRotationStatusCommand({ KeyId: v.key_id }));
    expectSame(found, ctx, where, "aws_kms_key", "enable_key_rotation", rotation.KeyRotationEnabled, true);
  }
};

const ssmParameter: Check = async (v, ctx, found) => {
  const where = `SSM parameter ${v.name}`;
  const shown = (await ctx.clients.ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: "Name", Option: "Equals", Values: [v.name] }] }))).Parameters?.[0];
  if (!shown) {
    found.problems.push(`${where}: not found`);
    return;
  }
  expectSame(found, ctx, where, "aws_ssm_parameter", "type", shown.Type, v.type);
  expectSame(found, ctx, where, "aws_ssm_parameter", "tier", shown.Tier, v.tier);
  if (v.type !== "SecureString") return;
  const stackKeys = ofType(ctx, "aws_kms_key").flatMap((key) => [key.values.arn, key.values.key_id]);
  if (!stackKeys.includes(v.key_id)) found.problems.push(`${where}: a SecureString encrypted with ${v.key_id}, not one of the stack's keys (aws/ssm lets every principal of the account decrypt it)`);
  // DescribeParameters names the key by id, alias or ARN: any of the configured key's names.
  const configured = ofType(ctx, "aws_kms_key").find((key) => key.values.arn === v.key_id || key.values.key_id === v.key_id)?.values;
  if (configured && ![configured.arn, configured.key_id].includes(shown.KeyId)) expectSame(found, ctx, where, "aws_ssm_parameter", "key_id", shown.KeyId, v.key_id);
};

const TOKEN_PATHS = new Set<string>(TOKEN_ENDPOINT_ROUTES.map((route) => `${route.method} ${route.path}`));

const method: Check = async (v, ctx, found) => {
  const path = ofType(ctx, "aws_api_gateway_resource").find((r) => r.values.id === v.resource_id)?.values.path ?? "/";
  const where = `method ${v.http_method} ${path}`;
  const shown = await ctx.clients.apiGateway.send(new GetMethodCommand({ restApiId: v.rest_api_id, resourceId: v.resource_id, httpMethod: v.http_method }));
  expectSame(found, ctx, where, "aws_api_gateway_method", "authorization", shown.authorizationType, v.authorization);
  expectSame(found, ctx, where, "aws_api_gateway_method", "authorizer_id", shown.authorizerId, v.authorizer_id || undefined);
  if (shown.authorizationType !== "CUSTOM" && !TOKEN_PATHS.has(`${v.http_method} ${path}`)) {
    found.problems.push(`${where}: authorization ${shown.authorizationType}: only the token endpoint's routes may skip the Lambda authorizer`);
  }
};

export const TOKEN_ENDPOINT_CHECKS: Readonly<Record<string, Check>> = {
  aws_kms_key: kmsKey,
  aws_ssm_parameter: ssmParameter,
  aws_api_gateway_method: method,
};
