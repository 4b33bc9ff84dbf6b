/**
 * The one table of the prices the stack incurs: US East (N. Virginia), USD, as AWS's pricing
 * pages stated them on PRICES_AS_OF. Other Regions differ; check the pages before budgeting.
 * `plan:summary` prints the fixed monthly cost a plan adds from the `monthly` entries
 * (review/plan-costs.ts); the per-request entries are for the README's cost section.
 *
 * - Cognito: https://aws.amazon.com/cognito/pricing/ (M2M app clients and token requests; Essentials MAUs)
 * - WAF: https://aws.amazon.com/waf/pricing/
 * - CloudWatch: https://aws.amazon.com/cloudwatch/pricing/ (alarms, dashboards, logs)
 * - API Gateway: https://aws.amazon.com/api-gateway/pricing/ (REST API requests)
 * - Lambda: https://aws.amazon.com/lambda/pricing/ (requests, Arm GB-seconds)
 */

export const PRICES_AS_OF = "2026-12-02";

export interface AwsPrice {
  readonly what: string;
  readonly usd: number;
  readonly per: string;
  readonly source: string;
  /** Free allowance AWS states, if any (not subtracted by plan:summary). */
  readonly free?: string;
}

export const AWS_PRICES = {
  cognitoM2mAppClient: { what: "Cognito machine-to-machine app client (client_credentials)", usd: 6.0, per: "app client per month", source: "https://aws.amazon.com/cognito/pricing/" },
  cognitoM2mTokenRequests: { what: "Cognito M2M token requests", usd: 2.25, per: "1,000 successful token requests", source: "https://aws.amazon.com/cognito/pricing/" },
  cognitoEssentialsMau: { what: "Cognito Essentials monthly active user", usd: 0.015, per: "MAU per month", source: "https://aws.amazon.com/cognito/pricing/", free: "first 10,000 MAUs" },
  wafWebAcl: { what: "AWS WAF web ACL", usd: 5.0, per: "web ACL per month", source: "https://aws.amazon.com/waf/pricing/" },
  wafRule: { what: "AWS WAF rule", usd: 1.0, per: "rule per month", source: "https://aws.amazon.com/waf/pricing/" },
  wafRequests: { what: "AWS WAF requests", usd: 0.6, per: "million requests", source: "https://aws.amazon.com/waf/pricing/" },
  cloudwatchAlarm: { what: "CloudWatch standard-resolution alarm", usd: 0.1, per: "alarm per month", source: "https://aws.amazon.com/cloudwatch/pricing/", free: "10 alarm metrics" },
  cloudwatchDashboard: { what: "CloudWatch custom dashboard", usd: 3.0, per: "dashboard per month", source: "https://aws.amazon.com/cloudwatch/pricing/", free: "3 dashboards of up to 50 metrics" },
  cloudwatchLogsIngestion: { what: "CloudWatch Logs ingestion (standard class)", usd: 0.5, per: "GB", source: "https://aws.amazon.com/cloudwatch/pricing/", free: "5 GB" },
  restApiRequests: { what: "API Gateway REST API requests", usd: 3.5, per: "million requests (first 333 million)", source: "https://aws.amazon.com/api-gateway/pricing/" },
  lambdaRequests: { what: "Lambda requests (authorizer, trigger, handlers)", usd: 0.2, per: "million requests", source: "https://aws.amazon.com/lambda/pricing/", free: "1 million requests" },
  lambdaArmGbSecond: { what: "Lambda compute, Arm", usd: 0.0000133334, per: "GB-second", source: "https://aws.amazon.com/lambda/pricing/", free: "400,000 GB-seconds" },
} as const satisfies Record<string, AwsPrice>;
