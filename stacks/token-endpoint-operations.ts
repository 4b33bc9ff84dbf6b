/**
 * Operations of the mTLS token endpoint, like the authorizer's: its own throttling on
 * `POST /oauth2/token`; its decision lines (handlers/lib/token-decision-log.ts) counted by a
 * metric filter as `TokenRequests` by `Reason` (issued, invalid_client, cert_revoked,
 * voucher_invalid, …); an alarm on a burst of invalid_client and one on any voucher_invalid or
 * config_error (a configuration or registry fault: machine clients get no token then).
 */
import { Construct } from "constructs";
import { Fn } from "cdktf";
import { ApiGatewayMethodSettings } from "@cdktf/provider-aws/lib/api-gateway-method-settings";
import type { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import type { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage";
import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { TOKEN_DECISION_MESSAGE, type TOKEN_DECISION_REASONS } from "../handlers/lib/token-decision-log";
import { ALARM_PERIOD_SECONDS } from "./alarms";
import { methodPathOf } from "./api-throttle";
import { METRICS_NAMESPACE, REASON_DIMENSION, type MetricRef } from "./decision-metrics";
import { TOKEN_ENDPOINT_ROUTES } from "./token-endpoint";
import type { TokenEndpointInputs } from "./token-endpoint-inputs";

export const TOKEN_REQUESTS_METRIC = "TokenRequests";
export const tokenRequestMetric = (reason: (typeof TOKEN_DECISION_REASONS)[number]): MetricRef => ({ namespace: METRICS_NAMESPACE, metricName: TOKEN_REQUESTS_METRIC, dimensions: { [REASON_DIMENSION]: reason } });

export interface TokenEndpointOperationsProps {
  readonly namePrefix: string;
  readonly restApi: ApiGatewayRestApi;
  readonly stage: ApiGatewayStage;
  readonly logGroup: CloudwatchLogGroup;
  readonly inputs: TokenEndpointInputs;
  /** Terraform expression: an SNS topic ARN or null. */
  readonly alarmTopicArn: string;
}

export class TokenEndpointOperations extends Construct {
  readonly alarms: CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: TokenEndpointOperationsProps) {
    super(scope, id);
    new ApiGatewayMethodSettings(this, "throttling", {
      restApiId: props.restApi.id,
      stageName: props.stage.stageName,
      methodPath: methodPathOf(TOKEN_ENDPOINT_ROUTES[0]),
      settings: {
        throttlingRateLimit: props.inputs.rateLimit.numberValue,
        throttlingBurstLimit: props.inputs.burstLimit.numberValue,
        loggingLevel: "OFF",
        dataTraceEnabled: false,
        metricsEnabled: false,
      },
    });
    new CloudwatchLogMetricFilter(this, "decisions", {
      name: `${props.namePrefix}-token-endpoint-decisions`,
      logGroupName: props.logGroup.name,
      pattern: `{ $.message = "${TOKEN_DECISION_MESSAGE}" }`,
      metricTransformation: { namespace: METRICS_NAMESPACE, name: TOKEN_REQUESTS_METRIC, value: "1", unit: "Count", dimensions: { [REASON_DIMENSION]: "$.reason" } },
    });
    const actions = Fn.compact([props.alarmTopicArn]);
    const alarm = (suffix: string, metric: MetricRef, threshold: number, description: string) => new CloudwatchMetricAlarm(this, suffix, {
      alarmName: `${props.namePrefix}-${suffix}`,
      alarmDescription: description,
      namespace: metric.namespace,
      metricName: metric.metricName,
      dimensions: { ...metric.dimensions },
      statistic: "Sum",
      period: ALARM_PERIOD_SECONDS,
      evaluationPeriods: 1,
      threshold,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: actions,
      okActions: actions,
    });
    this.alarms = [
      alarm("token-invalid-client", tokenRequestMetric("invalid_client"), props.inputs.invalidClientAlarmThreshold.numberValue,
        `More than the threshold of token requests in 5 minutes failed client authentication (invalid_client): certificates tried for clients they do not belong to. See the clientId in the token endpoint's log (${props.namePrefix}-token-endpoint).`),
      alarm("token-voucher-invalid", tokenRequestMetric("voucher_invalid"), 0,
        "The trigger refused the token endpoint's vouchers (voucher_invalid): the voucher key or the trigger's VOUCHER_KEY_ID is wrong, and no tls_client_auth client gets a token."),
      alarm("token-config-error", tokenRequestMetric("config_error"), 0,
        "The token endpoint's configuration is missing or invalid, or the machine-client registry cannot be read or holds an entry it cannot use (config_error): those token requests fail (500, or 401 invalid_client). Check the function's environment and its SSM reads of MACHINE_BINDINGS_PATH."),
    ];
  }
}
