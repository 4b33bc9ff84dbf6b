/**
 * The deploy cycle's SDK checks of the mTLS token endpoint's resources, without a stand-in: the
 * KMS, SSM and API Gateway clients are replaced at the true AWS edge by ones answering as a
 * drifted account would (moto answers as configured, which `npm run test:deploy` shows). Each
 * check must turn what would weaken the endpoint into a problem.
 */
import { TOKEN_ENDPOINT_CHECKS } from "../../scripts/deploy-cycle/applied-token-endpoint-checks";
import type { CheckContext, Findings, Values } from "../../scripts/deploy-cycle/check-kit";

const SECRETS_KEY = { type: "aws_kms_key", values: { arn: "arn:aws:kms:eu-west-1:123456789012:key/1111", key_id: "1111", customer_master_key_spec: "SYMMETRIC_DEFAULT", key_usage: "ENCRYPT_DECRYPT", enable_key_rotation: true, description: "secrets" } };
const TOKEN_RESOURCE = { type: "aws_api_gateway_resource", values: { id: "r-token", path: "/oauth2/token" } };
const API_RESOURCE = { type: "aws_api_gateway_resource", values: { id: "r-accounts", path: "/accounts" } };

/** Runs one check with clients that answer each command by its name. */
async function run(type: string, values: Values, answers: Record<string, unknown>): Promise<Findings> {
  const client = { send: async (command: object) => answers[command.constructor.name] ?? {} };
  const ctx = { clients: { kms: client, ssm: client, apiGateway: client }, state: [SECRETS_KEY, TOKEN_RESOURCE, API_RESOURCE], gaps: [] } as unknown as CheckContext;
  const found: Findings = { problems: [], gaps: [], notes: [] };
  await TOKEN_ENDPOINT_CHECKS[type](values, ctx, found);
  return found;
}

describe("KMS keys", () => {
  const enabled = { KeyMetadata: { KeyState: "Enabled", KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT" } };
  it("passes an enabled key as configured, with rotation on", async () => {
    expect((await run("aws_kms_key", SECRETS_KEY.values, { DescribeKeyCommand: enabled, GetKeyRotationStatusCommand: { KeyRotationEnabled: true } })).problems).toEqual([]);
  });
  it("fails a disabled key, another spec and rotation turned off", async () => {
    const found = await run("aws_kms_key", SECRETS_KEY.values, {
      DescribeKeyCommand: { KeyMetadata: { KeyState: "Disabled", KeySpec: "HMAC_256", KeyUsage: "ENCRYPT_DECRYPT" } },
      GetKeyRotationStatusCommand: { KeyRotationEnabled: false },
    });
    expect(found.problems).toEqual([
      "KMS key secrets: state Disabled, not Enabled",
      'KMS key secrets customer_master_key_spec: the API shows "HMAC_256", the stack configured "SYMMETRIC_DEFAULT"',
      "KMS key secrets enable_key_rotation: the API shows false, the stack configured true",
    ]);
  });
});

describe("SSM parameters", () => {
  const secret = { name: "/cert-bound-api/token-endpoint/client-secret/partner", type: "SecureString", tier: "Standard", key_id: SECRETS_KEY.values.arn };
  it("passes a SecureString encrypted with the stack's key, reading metadata only", async () => {
    const found = await run("aws_ssm_parameter", secret, { DescribeParametersCommand: { Parameters: [{ Name: secret.name, Type: "SecureString", Tier: "Standard", KeyId: SECRETS_KEY.values.arn }] } });
    expect(found.problems).toEqual([]);
  });
  it("fails a SecureString under aws/ssm, a String where a SecureString was configured, and a missing parameter", async () => {
    const awsManaged = await run("aws_ssm_parameter", { ...secret, key_id: "alias/aws/ssm" }, { DescribeParametersCommand: { Parameters: [{ Name: secret.name, Type: "SecureString", Tier: "Standard", KeyId: "alias/aws/ssm" }] } });
    expect(awsManaged.problems).toEqual([`SSM parameter ${secret.name}: a SecureString encrypted with alias/aws/ssm, not one of the stack's keys (aws/ssm lets every principal of the account decrypt it)`]);
    const plain = await run("aws_ssm_parameter", secret, { DescribeParametersCommand: { Parameters: [{ Name: secret.name, Type: "String", Tier: "Standard" }] } });
    expect(plain.problems).toEqual([
      `SSM parameter ${secret.name} type: the API shows "String", the stack configured "SecureString"`,
      `SSM parameter ${secret.name} key_id: the API shows undefined, the stack configured "${SECRETS_KEY.values.arn}"`,
    ]);
    expect((await run("aws_ssm_parameter", secret, { DescribeParametersCommand: { Parameters: [] } })).problems).toEqual([`SSM parameter ${secret.name}: not found`]);
  });
});

describe("methods", () => {
  const method = (resourceId: string, authorization: string, authorizerId?: string) => ({ rest_api_id: "api", resource_id: resourceId, http_method: "POST", authorization, authorizer_id: authorizerId });
  it("lets the token endpoint's route skip the authorizer, and an API route keep it", async () => {
    expect((await run("aws_api_gateway_method", method("r-token", "NONE"), { GetMethodCommand: { authorizationType: "NONE" } })).problems).toEqual([]);
    expect((await run("aws_api_gateway_method", method("r-accounts", "CUSTOM", "auth1"), { GetMethodCommand: { authorizationType: "CUSTOM", authorizerId: "auth1" } })).problems).toEqual([]);
  });
  it("fails an API route without the authorizer, even one configured so", async () => {
    const found = await run("aws_api_gateway_method", method("r-accounts", "NONE"), { GetMethodCommand: { authorizationType: "NONE" } });
    expect(found.problems).toEqual(["method POST /accounts: authorization NONE: only the token endpoint's routes may skip the Lambda authorizer"]);
    const switched = await run("aws_api_gateway_method", method("r-accounts", "CUSTOM", "auth1"), { GetMethodCommand: { authorizationType: "NONE" } });
    expect(switched.problems).toEqual([
      'method POST /accounts authorization: the API shows "NONE", the stack configured "CUSTOM"',
      'method POST /accounts authorizer_id: the API shows undefined, the stack configured "auth1"',
      "method POST /accounts: authorization NONE: only the token endpoint's routes may skip the Lambda authorizer",
    ]);
  });
});
