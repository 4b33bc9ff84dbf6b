/**
 * One CloudWatch dashboard that answers "are binding attacks happening, and is the API
 * healthy?": the authorizer's decisions by reason, binding mismatches against the alarm
 * threshold, the authorizer's duration, errors and throttles, token issuance failures (the pre
 * token generation trigger), and the stage's 4XX/5XX and latency. Next to the authorizer's
 * missing_token: the 401s API Gateway answers without calling it (stacks/access-log-metrics.ts).
 * Every metric drawn is one the stack publishes (stacks/decision-metrics.ts,
 * stacks/access-log-metrics.ts) or AWS publishes for its functions and stage.
 */
import { Construct } from "constructs";
import { Token } from "cdktf";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { DENY_REASONS } from "../handlers/lib/errors";
import { apiGatewayMetric, lambdaMetric } from "./alarms";
import { allowMetric, denyReasonMetric, type MetricRef } from "./decision-metrics";
import { MISSING_AUTHORIZATION_LABEL } from "./access-log-match";
import { missingAuthorizationMetric } from "./access-log-metrics";
import { TOKEN_DECISION_REASONS } from "../handlers/lib/token-decision-log";
import { tokenRequestMetric } from "./token-endpoint-operations";

export interface OperationsDashboardProps {
  readonly namePrefix: string;
  readonly authorizerFunctionName: string;
  readonly preTokenGenerationFunctionName: string;
  readonly apiName: string;
  readonly stageName: string;
  /** The mTLS token endpoint's function: a widget of its decisions. @default no such widget */
  readonly tokenEndpointFunctionName?: string;
  /** Terraform expression: drawn as the binding-mismatch alarm's line. */
  readonly bindingMismatchThreshold: number;
}

/** What the authorizer's missing_token counts on AWS: "Bearer" without a token, never an absent header. */
export const MISSING_TOKEN_LABEL = "Deny missing_token (authorizer: \"Bearer\" alone; never a missing or empty header on AWS)";

/** Stands for the threshold in the JSON until it is replaced by the variable (a number, unquoted). */
const THRESHOLD_PLACEHOLDER = "__binding_mismatch_alarm_threshold__";

type Stat = "Sum" | "Average" | "p50" | "p99";

/** A line of a metric widget: [namespace, name, dimension, value, …, {stat, label}]. */
function line(metric: MetricRef, stat: Stat, label?: string): unknown[] {
  return [metric.namespace, metric.metricName, ...Object.entries(metric.dimensions).flat(), { stat, ...(label ? { label } : {}) }];
}

export class OperationsDashboard extends Construct {
  readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const region = new DataAwsRegion(this, "region").name;
    const widget = (x: number, y: number, width: number, title: string, metrics: unknown[][], extra: Record<string, unknown> = {}) => ({
      type: "metric", x, y, width, height: 6,
      properties: { title, region, view: "timeSeries", period: 60, metrics, ...extra },
    });
    const authorizer = (name: string) => lambdaMetric(name, props.authorizerFunctionName);
    const trigger = (name: string) => lambdaMetric(name, props.preTokenGenerationFunctionName);
    const stage = (name: string) => apiGatewayMetric(name, props.apiName, props.stageName);

    const body = {
      widgets: [
        {
          type: "text", x: 0, y: 0, width: 24, height: 2,
          properties: {
            markdown: `## ${props.namePrefix}: certificate-bound API\nDecisions come from the authorizer's log (namespace \`${allowMetric().namespace}\`). **cnf_mismatch** = a valid token presented with another certificate: a stolen token being tried. Alarms: \`${props.namePrefix}-*\`.`,
          },
        },
        widget(0, 2, 16, "Authorizer decisions by reason, and 401s API Gateway answers itself (per minute)", [
          line(allowMetric(), "Sum", "Allow (cert_bound)"),
          ...DENY_REASONS.flatMap((reason) => reason === "missing_token"
            // On AWS a missing or empty header never reaches the authorizer: it is the next line.
            ? [line(denyReasonMetric(reason), "Sum", MISSING_TOKEN_LABEL), line(missingAuthorizationMetric(), "Sum", MISSING_AUTHORIZATION_LABEL)]
            : [line(denyReasonMetric(reason), "Sum", `Deny ${reason}`)]),
        ], { stacked: true }),
        widget(16, 2, 8, "Binding mismatches (cnf_mismatch) per 5 minutes", [line(denyReasonMetric("cnf_mismatch"), "Sum", "cnf_mismatch")], {
          period: 300,
          annotations: { horizontal: [{ label: "alarm above", value: THRESHOLD_PLACEHOLDER }] },
        }),
        widget(0, 8, 8, "Authorizer duration (ms)", [line(authorizer("Duration"), "p50", "p50"), line(authorizer("Duration"), "p99", "p99")]),
        widget(8, 8, 8, "Authorizer invocations, errors (thrown 401s included) and throttles", [
          line(authorizer("Invocations"), "Sum", "invocations"), line(authorizer("Errors"), "Sum", "errors"), line(authorizer("Throttles"), "Sum", "throttles"),
        ]),
        widget(16, 8, 8, "Token issuance failures (pre token generation trigger)", [
          line(trigger("Errors"), "Sum", "trigger errors"), line(trigger("Invocations"), "Sum", "trigger invocations"),
        ]),
        widget(0, 14, 12, "Stage requests, 4XX and 5XX", [line(stage("Count"), "Sum", "requests"), line(stage("4XXError"), "Sum", "4XX"), line(stage("5XXError"), "Sum", "5XX")]),
        widget(12, 14, 12, "Stage latency (ms)", [
          line(stage("Latency"), "p50", "latency p50"), line(stage("Latency"), "p99", "latency p99"), line(stage("IntegrationLatency"), "p99", "integration p99"),
        ]),
        ...(props.tokenEndpointFunctionName === undefined ? [] : [
          widget(0, 20, 16, "mTLS token endpoint: token requests by decision (per minute)", TOKEN_DECISION_REASONS.map((reason) => line(tokenRequestMetric(reason), "Sum", reason)), { stacked: true }),
          widget(16, 20, 8, "mTLS token endpoint function", [
            line(lambdaMetric("Invocations", props.tokenEndpointFunctionName), "Sum", "invocations"), line(lambdaMetric("Errors", props.tokenEndpointFunctionName), "Sum", "errors"),
            line(lambdaMetric("Duration", props.tokenEndpointFunctionName), "p99", "duration p99 (ms)"),
          ]),
        ]),
      ],
    };
    this.dashboard = new CloudwatchDashboard(this, "dashboard", {
      dashboardName: `${props.namePrefix}-operations`,
      dashboardBody: JSON.stringify(body).replace(`"${THRESHOLD_PLACEHOLDER}"`, Token.asString(props.bindingMismatchThreshold)),
    });
  }
}
