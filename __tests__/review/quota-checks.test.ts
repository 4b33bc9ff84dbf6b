/**
 * plan:summary's quota and cost rows on planned resources as terraform's plan JSON holds them:
 * a reserved concurrency warns, a plain http:// backend warns and fails --strict, statements on
 * a function the stack does not own are counted and flagged, and the fixed monthly cost comes
 * from the one price table.
 */
import { AWS_PRICES } from "../../stacks/aws-prices";
import { quotaChecks } from "../../review/quota-checks";
import type { PlannedResource } from "../../review/operations-checks";

const resource = (type: string, values: Record<string, unknown>, address = `${type}.x`): PlannedResource => ({ address, type, mode: "managed", values });
const row = (resources: PlannedResource[], check: string) => quotaChecks(resources).find((r) => r.check === check)!;

it("warns when the authorizer's concurrency is reserved, and says what AWS refuses", () => {
  expect(row([resource("aws_lambda_function", { function_name: "a", reserved_concurrent_executions: -1 })], "reserved concurrency AWS can grant")).toMatchObject({ ok: true, seen: "none reserved" });
  const reserved = row([resource("aws_lambda_function", { function_name: "cert-bound-api-authorizer", reserved_concurrent_executions: 50 })], "reserved concurrency AWS can grant");
  expect(reserved).toMatchObject({ ok: true, warning: true });
  expect(reserved.seen).toMatch(/cert-bound-api-authorizer: 50; AWS refuses it at apply \(function left tainted\) unless the account keeps 100 unreserved executions/);
});

it("warns about a plain http:// backend, and fails --strict with it", () => {
  expect(row([resource("aws_api_gateway_integration", { uri: "https://backend.example.com/" })], "backends over https only")).toMatchObject({ ok: true, seen: "no plain http:// integration" });
  const plain = row([resource("aws_api_gateway_integration", { uri: "http://127.0.0.1:8081/" })], "backends over https only");
  expect(plain).toMatchObject({ ok: true, warning: true, strict: true });
  expect(plain.seen).toContain("http://127.0.0.1:8081/");
});

it("counts the permission statements added, flagging functions the stack does not own", () => {
  const foreign = "arn:aws:lambda:eu-west-1:123456789012:function:legacy";
  const checked = row([
    resource("aws_lambda_permission", { function_name: "cert-bound-api-example" }, "a"),
    resource("aws_lambda_permission", { function_name: foreign }, "b"),
    resource("aws_lambda_permission", { function_name: foreign }, "c"),
  ], "Lambda permission statements this plan adds");
  expect(checked).toMatchObject({ ok: true, warning: true });
  expect(checked.seen).toBe(`3 statements on 2 functions; added to functions the stack does not own (their other statements count toward the same 20480 bytes): ${foreign}: 2`);
});

it("prices the machine clients, alarms, dashboards and WAF association from the one table", () => {
  const resources = [
    ...Array.from({ length: 3 }, (_, i) => resource("aws_cognito_user_pool_client", { allowed_oauth_flows: ["client_credentials"] }, `m${i}`)),
    resource("aws_cognito_user_pool_client", { allowed_oauth_flows: [] }, "users"),
    ...Array.from({ length: 4 }, (_, i) => resource("aws_cloudwatch_metric_alarm", {}, `alarm${i}`)),
    resource("aws_cloudwatch_dashboard", {}),
  ];
  const expected = 3 * AWS_PRICES.cognitoM2mAppClient.usd + 4 * AWS_PRICES.cloudwatchAlarm.usd + AWS_PRICES.cloudwatchDashboard.usd;
  const cost = row(resources, "fixed monthly cost this plan adds");
  expect(cost.seen).toMatch(new RegExp(`^\\$${expected.toFixed(2).replace(".", "\\.")}/month \\(3 M2M app clients × \\$6\\.00 = \\$18\\.00; 4 alarms × \\$0\\.10 = \\$0\\.40; 1 dashboards × \\$3\\.00 = \\$3\\.00\\); us-east-1 prices of 2026-12-02`));
});
