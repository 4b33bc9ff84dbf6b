/**
 * What every SDK check of the deploy cycle shares: the state it checks against, where its
 * findings go, and the comparison that tells a named gap of the stand-in from a problem.
 */
import { GetRoleCommand } from "@aws-sdk/client-iam";
import { isDeepStrictEqual } from "node:util";
import type { PlannedResource } from "../terraform/offline-terraform";
import type { AwsClients } from "./aws-clients";
import { gapFor, type MotoGap } from "./moto-gaps";

export type Values = Record<string, any>;

export interface CheckContext {
  readonly clients: AwsClients;
  /** Every managed resource in the state after the apply. */
  readonly state: readonly PlannedResource[];
  readonly gaps: readonly MotoGap[];
}

/** What one check found: problems fail the cycle; gaps are attributes the stand-in does not return; notes are figures it measured. */
export interface Findings {
  readonly problems: string[];
  readonly gaps: string[];
  readonly notes: string[];
}

/** Checks one resource of the state (its values) through the SDK. */
export type Check = (values: Values, ctx: CheckContext, found: Findings) => Promise<void>;

export const ofType = (ctx: CheckContext, type: string) => ctx.state.filter((r) => r.type === type);
export const first = (block: unknown): Values | undefined => (Array.isArray(block) ? block[0] : undefined);

/** Compares what the API shows with the state; a missing value may be a named gap of the stand-in. */
export function expectSame(found: Findings, ctx: CheckContext, where: string, type: string, attribute: string, shown: unknown, configured: unknown): void {
  if (isDeepStrictEqual(shown, configured)) return;
  const gap = shown === undefined ? gapFor(ctx.gaps, type, attribute) : undefined;
  if (gap) found.gaps.push(`${where} ${attribute}: not returned by the stand-in (${gap.why})`);
  else found.problems.push(`${where} ${attribute}: the API shows ${JSON.stringify(shown)}, the stack configured ${JSON.stringify(configured)}`);
}

export const sorted = (list: unknown) => (Array.isArray(list) ? [...list].sort() : list);

/** The role a service assumes, checked: one of the stack's roles, trusting `service`. */
export async function expectStackRole(found: Findings, ctx: CheckContext, where: string, roleArn: string | undefined, service: string): Promise<Values | undefined> {
  const role = ofType(ctx, "aws_iam_role").find((r) => r.values.arn === roleArn);
  if (!role) {
    found.problems.push(`${where}: runs as ${roleArn}, which is not one of the stack's roles`);
    return undefined;
  }
  const shown = (await ctx.clients.iam.send(new GetRoleCommand({ RoleName: role.values.name }))).Role;
  const trust = JSON.parse(decodeURIComponent(shown?.AssumeRolePolicyDocument ?? "{}"));
  const principals = (trust.Statement ?? []).flatMap((s: Values) => [s.Principal?.Service ?? []].flat());
  if (!principals.includes(service)) found.problems.push(`${where}: its role ${role.values.name} does not trust ${service}`);
  return role.values;
}
