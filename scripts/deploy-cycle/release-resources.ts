/**
 * The named destroy gaps of the stand-in (MOTO_DESTROY_GAPS in moto-gaps.ts) applied to a
 * cycle: before the destroy, each instance of such a type leaves the state and is undone
 * through the SDK in a form the stand-in accepts; after the destroy, the SDK must show it
 * undone. How to undo and how to look, per type, live here; why, in moto-gaps.ts.
 */
import { GetAccountCommand, UpdateAccountCommand } from "@aws-sdk/client-api-gateway";
import { DescribeResourceServerCommand } from "@aws-sdk/client-cognito-identity-provider";
import type { OfflineTerraform, PlannedResource } from "../terraform/offline-terraform";
import type { AwsClients } from "./aws-clients";
import type { MotoDestroyGap } from "./moto-gaps";

type Values = Record<string, any>;

interface Release {
  /** Does what the provider's delete would have done. */
  undo(values: Values, clients: AwsClients): Promise<void>;
  /** What is still there after the undo, or undefined. */
  remains(values: Values, clients: AwsClients): Promise<string | undefined>;
}

export const RELEASES: Readonly<Record<string, Release>> = {
  aws_api_gateway_account: {
    // Back to no CloudWatch role, AWS's default and what reset_on_delete leaves.
    undo: async (_values, clients) => {
      await clients.apiGateway.send(new UpdateAccountCommand({ patchOperations: [{ op: "replace", path: "/cloudwatchRoleArn", value: "" }] }));
    },
    remains: async (values, clients) => {
      const shown = (await clients.apiGateway.send(new GetAccountCommand({}))).cloudwatchRoleArn;
      return shown && shown === values.cloudwatch_role_arn ? `the account's CloudWatch role is still ${shown}` : undefined;
    },
  },
  aws_cognito_resource_server: {
    // Nothing to call first: the user pool's destroy deletes the resource servers inside it.
    undo: async () => undefined,
    remains: async (values, clients) => {
      try {
        await clients.cognito.send(new DescribeResourceServerCommand({ UserPoolId: values.user_pool_id, Identifier: values.identifier }));
        return `resource server ${values.identifier} of user pool ${values.user_pool_id} still answers DescribeResourceServer`;
      } catch (error) {
        if ((error as Error).name === "ResourceNotFoundException") return undefined;
        throw error;
      }
    },
  },
};

export interface ReleasedResource {
  readonly address: string;
  readonly type: string;
  readonly values: Values;
  readonly gap: MotoDestroyGap;
}

/**
 * Removes every instance of a destroy-gap type from the state and undoes it through the SDK.
 * @throws Error when a gap has no entry in RELEASES, or the state removal or the undo fails
 */
export async function releaseBeforeDestroy(terraform: OfflineTerraform, clients: AwsClients, state: readonly PlannedResource[], gaps: readonly MotoDestroyGap[]): Promise<ReleasedResource[]> {
  const released: ReleasedResource[] = [];
  for (const resource of state) {
    const gap = gaps.find((g) => g.resourceType === resource.type);
    if (!gap) continue;
    const release = RELEASES[resource.type];
    if (!release) throw new Error(`${resource.address} is a named destroy gap but has no release: add how to undo it to RELEASES in scripts/deploy-cycle/release-resources.ts`);
    await terraform.okAsync("state", "rm", resource.address);
    await release.undo(resource.values, clients);
    released.push({ address: resource.address, type: resource.type, values: resource.values, gap });
  }
  return released;
}

/** "<address>: <what remains>" for every released resource the SDK does not show undone. */
export async function findUnreleased(clients: AwsClients, released: readonly ReleasedResource[]): Promise<string[]> {
  const remaining: string[] = [];
  for (const resource of released) {
    const remains = await RELEASES[resource.type].remains(resource.values, clients);
    if (remains) remaining.push(`${resource.address}: ${remains}`);
  }
  return remaining;
}

/** One line naming each destroy gap the cycle met, or undefined when it met none. */
export function destroyGapsLine(released: readonly ReleasedResource[]): string | undefined {
  const gaps = [...new Map(released.map((r) => [r.type, r.gap])).values()];
  if (gaps.length === 0) return undefined;
  return `named destroy gaps of the stand-in: ${gaps.map((g) => `${g.resourceType} (${g.operation})`).join(", ")}: released from the state, shown gone through the SDK (scripts/deploy-cycle/moto-gaps.ts says why)`;
}
