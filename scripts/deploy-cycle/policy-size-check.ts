/**
 * Every function's resource-based policy as Lambda stores it (GetPolicy), measured against
 * Lambda's 20 KB, which AWS cannot raise (AWS_QUOTAS.lambdaResourcePolicyBytes). The stand-in
 * stores a policy of any size, so an apply passing here proves nothing about the quota: the
 * policy is read back and its bytes compared, and a policy past the quota fails the cycle
 * (on AWS, AddPermission would have failed part-way through the apply).
 */
import { GetPolicyCommand } from "@aws-sdk/client-lambda";
import { AWS_QUOTAS } from "../../stacks/aws-quotas";
import type { Check } from "./check-kit";

export const lambdaPolicySize: Check = async (v, ctx, found) => {
  let policy: string | undefined;
  try {
    policy = (await ctx.clients.lambda.send(new GetPolicyCommand({ FunctionName: v.function_name }))).Policy;
  } catch (error) {
    if ((error as Error).name === "ResourceNotFoundException") policy = undefined; // no statement: no policy
    else throw error;
  }
  const limit = AWS_QUOTAS.lambdaResourcePolicyBytes.value;
  const bytes = policy === undefined ? 0 : Buffer.byteLength(policy);
  const statements = policy === undefined ? 0 : ((JSON.parse(policy) as { Statement?: unknown[] }).Statement ?? []).length;
  const counted = `${statements} statement${statements === 1 ? "" : "s"}`;
  found.notes.push(`function ${v.function_name}: resource-based policy ${bytes} bytes (${counted}) of ${limit}`);
  if (bytes > limit) {
    found.problems.push(`function ${v.function_name}: its resource-based policy is ${bytes} bytes (${counted}), more than Lambda's ${limit}: AddPermission would fail part-way through a real apply`);
  }
};
