/**
 * The deploy cycle's policy-size check without a stand-in: the Lambda client is replaced at the
 * true AWS edge by one answering GetPolicy with a policy of a chosen size (moto itself stores any
 * size, which is why the cycle measures). The stack's own statements build the policies.
 */
import type { GetPolicyCommand } from "@aws-sdk/client-lambda";
import { lambdaPolicySize } from "../../scripts/deploy-cycle/policy-size-check";
import type { CheckContext, Findings } from "../../scripts/deploy-cycle/check-kit";
import { AWS_QUOTAS } from "../../stacks/aws-quotas";

const statement = (i: number) => ({
  Sid: `AllowApiGateway-cert-bound-api-route-${i}`, Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "lambda:InvokeFunction",
  Resource: "arn:aws:lambda:eu-west-1:123456789012:function:cert-bound-api-accounts",
  Condition: { ArnLike: { "AWS:SourceArn": `arn:aws:execute-api:eu-west-1:123456789012:abcdefghij/prod/GET/items/r${i}` } },
});
const policyOf = (statements: number) => JSON.stringify({ Version: "2012-10-17", Id: "default", Statement: Array.from({ length: statements }, (_, i) => statement(i)) });

async function check(answer: () => Promise<{ Policy?: string }>): Promise<Findings> {
  const asked: string[] = [];
  const lambda = { send: (command: GetPolicyCommand) => (asked.push(command.input.FunctionName!), answer()) };
  const found: Findings = { problems: [], gaps: [], notes: [] };
  await lambdaPolicySize({ function_name: "cert-bound-api-accounts" }, { clients: { lambda } } as unknown as CheckContext, found);
  expect(asked).toEqual(["cert-bound-api-accounts"]);
  return found;
}

it("prints the policy's bytes and statements, and passes within 20 KB", async () => {
  const policy = policyOf(5);
  const found = await check(async () => ({ Policy: policy }));
  expect(found.notes).toEqual([`function cert-bound-api-accounts: resource-based policy ${Buffer.byteLength(policy)} bytes (5 statements) of ${AWS_QUOTAS.lambdaResourcePolicyBytes.value}`]);
  expect(found.problems).toEqual([]);
});

it("fails past 20 KB (per-route statements: about 58 on one function), naming the function and the size", async () => {
  const policy = policyOf(60);
  expect(Buffer.byteLength(policy)).toBeGreaterThan(AWS_QUOTAS.lambdaResourcePolicyBytes.value);
  const found = await check(async () => ({ Policy: policy }));
  expect(found.problems).toEqual([`function cert-bound-api-accounts: its resource-based policy is ${Buffer.byteLength(policy)} bytes (60 statements), more than Lambda's 20480: AddPermission would fail part-way through a real apply`]);
});

it("a function without a policy measures 0; any other error is the check's failure, not a pass", async () => {
  const missing = Object.assign(new Error("no policy"), { name: "ResourceNotFoundException" });
  expect((await check(() => Promise.reject(missing))).notes).toEqual(["function cert-bound-api-accounts: resource-based policy 0 bytes (0 statements) of 20480"]);
  await expect(check(() => Promise.reject(Object.assign(new Error("boom"), { name: "ServiceException" })))).rejects.toThrow("boom");
});
