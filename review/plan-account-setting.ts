/**
 * The plan summary's row on API Gateway's account setting (aws_api_gateway_account: the
 * CloudWatch logging role, one per account and region). A plan that manages it is allowed but
 * worth a reviewer's look: exactly one stack per account and region should own it, and
 * destroying that stack resets the setting for every other stage in the account and region.
 */
type Json = any; // terraform's plan JSON; every read is checked

export const ACCOUNT_SETTING_CHECK = "API Gateway account setting (CloudWatch logging role) owned by one stack per account and region";

export function accountSettingRow(plan: Json): { check: string; ok: boolean; warning?: boolean; seen: string } {
  const managed = (plan?.resource_changes ?? []).filter((c: Json) => c?.mode === "managed" && c.type === "aws_api_gateway_account" && !(c.change?.actions ?? []).every((a: string) => a === "delete"));
  const managedVariable = plan?.variables?.manage_api_gateway_account?.value;
  if (managed.length === 0) {
    return { check: ACCOUNT_SETTING_CHECK, ok: true, seen: managedVariable === false ? "not managed here (manage_api_gateway_account = false): another stack owns it" : "not in this plan" };
  }
  return {
    check: ACCOUNT_SETTING_CHECK,
    ok: true,
    warning: true,
    seen: "managed by this stack (manage_api_gateway_account = true): make sure no other stack in this account and region manages it, and that this is the longest-lived one (destroying it resets the setting for every stage in the account and region)",
  };
}
