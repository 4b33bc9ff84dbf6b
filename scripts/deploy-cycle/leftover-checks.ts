/**
 * After the destroy, the AWS APIs must list none of what the apply created: no user pool,
 * function, role, REST API, custom domain, log group or SSM parameter of the stack's names is
 * left behind, and no KMS key of the stack is still usable (a destroyed key waits out its deletion
 * window as PendingDeletion: listed, but no longer a leftover).
 */
import { paginateGetDomainNames, paginateGetRestApis } from "@aws-sdk/client-api-gateway";
import { paginateDescribeLogGroups } from "@aws-sdk/client-cloudwatch-logs";
import { paginateListUserPools } from "@aws-sdk/client-cognito-identity-provider";
import { paginateListRoles } from "@aws-sdk/client-iam";
import { DescribeKeyCommand, paginateListKeys } from "@aws-sdk/client-kms";
import { paginateListFunctions } from "@aws-sdk/client-lambda";
import { paginateDescribeParameters } from "@aws-sdk/client-ssm";
import type { PlannedResource } from "../terraform/offline-terraform";
import type { AwsClients } from "./aws-clients";

interface LeftoverCheck {
  /** The state attribute that names an instance. */
  readonly nameAttribute: string;
  /** Every name of this kind the endpoint lists. */
  list(clients: AwsClients): Promise<string[]>;
}

async function collect<P>(pages: AsyncIterable<P>, names: (page: P) => Array<string | undefined> | undefined): Promise<string[]> {
  const all: string[] = [];
  for await (const page of pages) all.push(...(names(page) ?? []).filter((n): n is string => typeof n === "string"));
  return all;
}

export const LEFTOVER_CHECKS: Readonly<Record<string, LeftoverCheck>> = {
  aws_cognito_user_pool: {
    nameAttribute: "name",
    list: (c) => collect(paginateListUserPools({ client: c.cognito }, { MaxResults: 60 }), (p) => p.UserPools?.map((u) => u.Name)),
  },
  aws_lambda_function: {
    nameAttribute: "function_name",
    list: (c) => collect(paginateListFunctions({ client: c.lambda }, {}), (p) => p.Functions?.map((f) => f.FunctionName)),
  },
  aws_iam_role: {
    nameAttribute: "name",
    list: (c) => collect(paginateListRoles({ client: c.iam }, {}), (p) => p.Roles?.map((r) => r.RoleName)),
  },
  aws_api_gateway_rest_api: {
    nameAttribute: "name",
    list: (c) => collect(paginateGetRestApis({ client: c.apiGateway }, {}), (p) => p.items?.map((a) => a.name)),
  },
  aws_api_gateway_domain_name: {
    nameAttribute: "domain_name",
    list: (c) => collect(paginateGetDomainNames({ client: c.apiGateway }, {}), (p) => p.items?.map((d) => d.domainName)),
  },
  aws_cloudwatch_log_group: {
    nameAttribute: "name",
    list: (c) => collect(paginateDescribeLogGroups({ client: c.logs }, {}), (p) => p.logGroups?.map((g) => g.logGroupName)),
  },
  aws_ssm_parameter: {
    nameAttribute: "name",
    list: (c) => collect(paginateDescribeParameters({ client: c.ssm }, {}), (p) => p.Parameters?.map((parameter) => parameter.Name)),
  },
  aws_kms_key: {
    nameAttribute: "arn",
    list: async (c) => {
      const arns = await collect(paginateListKeys({ client: c.kms }, {}), (p) => p.Keys?.map((key) => key.KeyArn));
      const usable = await Promise.all(arns.map(async (arn) => ((await c.kms.send(new DescribeKeyCommand({ KeyId: arn }))).KeyMetadata?.KeyState === "PendingDeletion" ? undefined : arn)));
      return usable.filter((arn): arn is string => arn !== undefined);
    },
  },
};

export interface LeftoverReport {
  /** Instances looked for, by type. */
  readonly checked: Record<string, number>;
  /** e.g. "aws_lambda_function cert-bound-api-example" */
  readonly leftovers: string[];
}

/** Looks for every instance of the checked types that `applied` (the state after the apply) held. */
export async function findLeftovers(clients: AwsClients, applied: readonly PlannedResource[]): Promise<LeftoverReport> {
  const checked: Record<string, number> = {};
  const leftovers: string[] = [];
  for (const [type, check] of Object.entries(LEFTOVER_CHECKS)) {
    const names = applied.filter((r) => r.type === type).map((r) => String(r.values[check.nameAttribute]));
    if (names.length === 0) continue;
    checked[type] = names.length;
    const listed = new Set(await check.list(clients));
    leftovers.push(...names.filter((name) => listed.has(name)).map((name) => `${type} ${name}`));
  }
  return { checked, leftovers };
}
