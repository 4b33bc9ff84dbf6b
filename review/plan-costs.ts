/**
 * The fixed monthly cost a plan adds, from the one price table (stacks/aws-prices.ts): machine
 * clients (Cognito M2M app clients), alarms, dashboards, and a WAF association's web ACL when
 * one is planned. Usage (requests, tokens, MAUs, logs) is left out: it depends on traffic.
 */
import { AWS_PRICES, PRICES_AS_OF } from "../stacks/aws-prices";

type Json = any; // terraform's plan JSON; every read below is checked

export interface PlannedResourceLike {
  readonly type: string;
  readonly mode: string;
  readonly values: Json;
}

export interface FixedMonthlyCost {
  readonly usd: number;
  /** e.g. "500 M2M app clients × $6.00 = $3000.00" */
  readonly lines: readonly string[];
}

export function fixedMonthlyCost(resources: readonly PlannedResourceLike[]): FixedMonthlyCost {
  const count = (type: string, where: (r: PlannedResourceLike) => boolean = () => true) => resources.filter((r) => r.type === type && r.mode === "managed" && where(r)).length;
  const items: Array<[string, number, number]> = [
    ["M2M app clients", count("aws_cognito_user_pool_client", (r) => Array.isArray(r.values?.allowed_oauth_flows) && r.values.allowed_oauth_flows.includes("client_credentials")), AWS_PRICES.cognitoM2mAppClient.usd],
    ["alarms", count("aws_cloudwatch_metric_alarm"), AWS_PRICES.cloudwatchAlarm.usd],
    ["dashboards", count("aws_cloudwatch_dashboard"), AWS_PRICES.cloudwatchDashboard.usd],
    ["WAF web ACL associations (the ACL's own $5 + rules, if this plan's stage is its only user)", count("aws_wafv2_web_acl_association"), AWS_PRICES.wafWebAcl.usd],
  ];
  const lines = items.filter(([, n]) => n > 0).map(([what, n, usd]) => `${n} ${what} × $${usd.toFixed(2)} = $${(n * usd).toFixed(2)}`);
  return { usd: items.reduce((sum, [, n, usd]) => sum + n * usd, 0), lines };
}

/** The plan:summary row text: total, items, the price date, and what is not included. */
export function costSeen(cost: FixedMonthlyCost): string {
  const items = cost.lines.length > 0 ? cost.lines.join("; ") : "none";
  return `$${cost.usd.toFixed(2)}/month (${items}); us-east-1 prices of ${PRICES_AS_OF} (stacks/aws-prices.ts), before free tiers; requests, tokens, MAUs and logs are extra`;
}
