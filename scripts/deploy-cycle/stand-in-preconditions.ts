/**
 * What the stand-in must know before the apply, checked up front so that a run fails with what
 * to do rather than with a provider error halfway through: the AWS-managed IAM policies the
 * stack attaches exist in moto only when it loaded them at startup (MOTO_SERVER_ENV).
 */
import { GetPolicyCommand } from "@aws-sdk/client-iam";
import type { AwsClients } from "./aws-clients";

/** AWS-managed policy paths (`policy/service-role/…`) that the stack's configuration names. */
export function managedPoliciesOf(stack: unknown): string[] {
  const text = JSON.stringify(stack);
  return [...new Set([...text.matchAll(/:iam::aws:(policy\/[A-Za-z0-9+=,.@_/-]+)/g)].map((m) => m[1]))].sort();
}

/** @throws Error naming the policies the stand-in does not know, and the setting that loads them */
export async function assertManagedPoliciesKnown(clients: AwsClients, policies: readonly string[]): Promise<void> {
  const missing: string[] = [];
  for (const policy of policies) {
    try {
      await clients.iam.send(new GetPolicyCommand({ PolicyArn: `arn:aws:iam::aws:${policy}` }));
    } catch (error) {
      if ((error as Error).name !== "NoSuchEntityException") throw error;
      missing.push(policy);
    }
  }
  if (missing.length > 0) {
    throw new Error(`the AWS stand-in does not know the AWS-managed IAM ${missing.length === 1 ? "policy" : "policies"} ${missing.join(", ")} that the stack attaches: start moto_server with MOTO_IAM_LOAD_MANAGED_POLICIES=true`);
  }
}
