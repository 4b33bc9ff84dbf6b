/**
 * plan:summary rows for what AWS refuses or charges that moto and the plan do not show:
 * - the authorizer's reserved concurrency: PutFunctionConcurrency fails (function left tainted)
 *   when the account would keep fewer than 100 unreserved executions (stacks/aws-quotas.ts): ⚠️ when set;
 * - plain http:// backends: ⚠️, and ❌ under --strict (`strict`);
 * - the Lambda permission statements this plan adds per function: a function the stack does not
 *   own has other statements we cannot see, and its policy holds 20 KB in all;
 * - the fixed monthly cost the plan adds (review/plan-costs.ts).
 */
import { AWS_QUOTAS } from "../stacks/aws-quotas";
import { costSeen, fixedMonthlyCost } from "./plan-costs";
import type { OperationsCheck, PlannedResource } from "./operations-checks";

/** An operations row that fails `plan:summary --strict` though it is only a warning otherwise. */
export interface QuotaCheck extends OperationsCheck {
  readonly strict?: boolean;
}

export function quotaChecks(resources: readonly PlannedResource[]): QuotaCheck[] {
  const ofType = (type: string) => resources.filter((r) => r.type === type && r.mode === "managed");
  return [reservedConcurrencyCheck(ofType("aws_lambda_function")), plainHttpCheck(ofType("aws_api_gateway_integration")), permissionsCheck(ofType("aws_lambda_permission")), costCheck(resources)];
}

function reservedConcurrencyCheck(functions: readonly PlannedResource[]): QuotaCheck {
  const check = "reserved concurrency AWS can grant";
  const reserved = functions.filter((f) => typeof f.values?.reserved_concurrent_executions === "number" && f.values.reserved_concurrent_executions >= 0);
  if (reserved.length === 0) return { check, ok: true, seen: "none reserved" };
  const what = reserved.map((f) => `${f.values.function_name ?? f.address}: ${f.values.reserved_concurrent_executions}`).join(", ");
  return { check, ok: true, warning: true, seen: `${what}; AWS refuses it at apply (function left tainted) unless the account keeps ${AWS_QUOTAS.unreservedConcurrencyMinimum.value} unreserved executions: check the account's concurrency quota (new accounts may have 10)` };
}

function plainHttpCheck(integrations: readonly PlannedResource[]): QuotaCheck {
  const check = "backends over https only";
  const plain = integrations.map((i) => i.values?.uri).filter((uri): uri is string => typeof uri === "string" && /^http:\/\//i.test(uri));
  if (plain.length === 0) return { check, ok: true, seen: "no plain http:// integration" };
  return { check, ok: true, warning: true, strict: true, seen: `plain http:// (the caller's Authorization header crosses unencrypted): ${plain.slice(0, 5).join(", ")}${plain.length > 5 ? ` and ${plain.length - 5} more` : ""}` };
}

function permissionsCheck(permissions: readonly PlannedResource[]): QuotaCheck {
  const check = "Lambda permission statements this plan adds";
  const byFunction = new Map<string, number>();
  for (const p of permissions) {
    const name = typeof p.values?.function_name === "string" ? p.values.function_name : p.address.replace(/\[.*$/, "");
    byFunction.set(name, (byFunction.get(name) ?? 0) + 1);
  }
  const foreign = [...byFunction].filter(([name]) => name.startsWith("arn:"));
  const seen = `${permissions.length} statements on ${byFunction.size} functions${foreign.length > 0 ? `; added to functions the stack does not own (their other statements count toward the same ${AWS_QUOTAS.lambdaResourcePolicyBytes.value} bytes): ${foreign.map(([name, n]) => `${name}: ${n}`).join(", ")}` : ""}`;
  return { check, ok: true, warning: foreign.length > 0, seen };
}

function costCheck(resources: readonly PlannedResource[]): QuotaCheck {
  return { check: "fixed monthly cost this plan adds", ok: true, seen: costSeen(fixedMonthlyCost(resources)) };
}
