/**
 * Alarms a security-minded operator wants on day one, notifying the optional SNS topic: a token
 * tried with a certificate it is not bound to, authorizer configuration or internal errors, the
 * authorizer function failing or throttled, and the stage answering 5XX. Metric names and
 * dimensions come from stacks/decision-metrics.ts and AWS's own metrics, never typed here.
 */
import { Construct } from "constructs";
import { Fn } from "cdktf";
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmMetricQuery } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { FORBIDDEN_REASONS, type DenyReason } from "../handlers/lib/errors";
import { denyMetric, denyReasonMetric, type MetricRef } from "./decision-metrics";

/** Every alarm looks at 5-minute sums (or averages) and alarms on one bad period. */
export const ALARM_PERIOD_SECONDS = 300;
/** Stage 5XX rate (share of requests) that alarms. */
export const STAGE_5XX_RATE_THRESHOLD = 0.05;
/**
 * The authorizer answers 401 by throwing, which Lambda counts in Errors; the share of those
 * counted in a neighbouring period (invocation and log line on either side of a period boundary)
 * is tolerated, so that only failures without a decision (timeouts, crashes) alarm.
 */
export const AUTHORIZER_ERROR_SLACK = 0.01;

/** AWS's metrics the alarms and the dashboard use (namespaces and dimensions as AWS publishes them). */
export const lambdaMetric = (metricName: string, functionName: string): MetricRef => ({ namespace: "AWS/Lambda", metricName, dimensions: { FunctionName: functionName } });
export const apiGatewayMetric = (metricName: string, apiName: string, stage: string): MetricRef => ({ namespace: "AWS/ApiGateway", metricName, dimensions: { ApiName: apiName, Stage: stage } });

export interface OperationsAlarmsProps {
  readonly namePrefix: string;
  /** Terraform expression: an SNS topic ARN or null. */
  readonly alarmTopicArn: string;
  /** Terraform expression: binding mismatches in 5 minutes above which the alarm fires. */
  readonly bindingMismatchThreshold: number;
  readonly authorizerFunctionName: string;
  readonly apiName: string;
  readonly stageName: string;
}

export class OperationsAlarms extends Construct {
  readonly alarms: CloudwatchMetricAlarm[] = [];
  private readonly actions: string[];

  constructor(scope: Construct, id: string, private readonly props: OperationsAlarmsProps) {
    super(scope, id);
    // compact() drops the null: no topic, no actions (plan:summary flags that).
    this.actions = Fn.compact([props.alarmTopicArn]);
    const { namePrefix, authorizerFunctionName: fn } = props;

    this.metricAlarm("binding-mismatch", denyReasonMetric("cnf_mismatch"), "Sum", props.bindingMismatchThreshold,
      `More than the threshold of requests in 5 minutes presented a valid access token with a certificate it is not bound to (cnf_mismatch): a stolen token being tried. Look up the token's sub in the authorizer log (${namePrefix}-authorizer) and revoke the user's sessions.`);
    for (const reason of ["config_error", "internal_error"] as const satisfies readonly DenyReason[]) {
      this.metricAlarm(`authorizer-${reason.replace("_", "-")}`, denyReasonMetric(reason), "Sum", 0,
        `The authorizer refused requests with ${reason}: ${reason === "config_error" ? "its pool, client or route table is missing or invalid, or the pool's keys could not be fetched" : "an unexpected exception"}. Every caller gets 401 until it is fixed.`);
    }
    this.authorizerErrorsAlarm();
    this.metricAlarm("authorizer-throttles", lambdaMetric("Throttles", fn), "Sum", 0,
      "The authorizer function was throttled (reserved or account concurrency exhausted): callers get 500 AUTHORIZER_FAILURE.");
    this.metricAlarm("stage-5xx-rate", apiGatewayMetric("5XXError", props.apiName, props.stageName), "Average", STAGE_5XX_RATE_THRESHOLD,
      `More than ${STAGE_5XX_RATE_THRESHOLD * 100}% of the stage's requests in 5 minutes answered 5XX.`);
  }

  private metricAlarm(suffix: string, metric: MetricRef, statistic: "Sum" | "Average", threshold: number, description: string): void {
    this.alarms.push(new CloudwatchMetricAlarm(this, suffix, {
      ...this.common(suffix, description),
      namespace: metric.namespace,
      metricName: metric.metricName,
      dimensions: { ...metric.dimensions },
      statistic,
      period: ALARM_PERIOD_SECONDS,
      threshold,
      comparisonOperator: "GreaterThanThreshold",
    }));
  }

  /** Lambda Errors minus the 401s the authorizer throws on purpose (every Deny but FORBIDDEN_REASONS). */
  private authorizerErrorsAlarm(): void {
    const query = (id: string, metric: MetricRef): CloudwatchMetricAlarmMetricQuery => ({
      id,
      returnData: false,
      metric: { namespace: metric.namespace, metricName: metric.metricName, dimensions: { ...metric.dimensions }, stat: "Sum", period: ALARM_PERIOD_SECONDS },
    });
    this.alarms.push(new CloudwatchMetricAlarm(this, "authorizer-errors", {
      ...this.common("authorizer-errors", "The authorizer function failed without a decision (timeout, crash, out of memory): callers get 500. Its thrown 401s are not counted."),
      metricQuery: [
        query("errors", lambdaMetric("Errors", this.props.authorizerFunctionName)),
        query("denies", denyMetric()),
        // The denials answered with a Deny policy (403) instead of a thrown 401.
        ...FORBIDDEN_REASONS.map((reason, i) => query(`forbidden${i}`, denyReasonMetric(reason))),
        {
          id: "failures",
          label: "authorizer errors without a decision",
          returnData: true,
          expression: `FILL(errors, 0) - ${1 + AUTHORIZER_ERROR_SLACK} * (FILL(denies, 0)${FORBIDDEN_REASONS.map((_, i) => ` - FILL(forbidden${i}, 0)`).join("")})`,
        },
      ],
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
    }));
  }

  private common(suffix: string, description: string) {
    return {
      alarmName: `${this.props.namePrefix}-${suffix}`,
      alarmDescription: description,
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
      alarmActions: this.actions,
      okActions: this.actions,
    };
  }
}
