/**
 * Requests API Gateway answers 401 itself, without calling the authorizer, counted from the
 * stage's access log (stacks/access-logs.ts): on AWS a missing or empty `Authorization` header
 * never reaches the authorizer, so its `missing_token` decision stays at 0 for them.
 *
 * AWS answers such a request with the gateway response UNAUTHORIZED (401) without calling the
 * authorizer when "configured identity sources are missing, null, empty" (knowledge center, "API
 * Gateway 401 errors after creating a Lambda authorizer"); its execution log has no authorizer
 * lines then ("API Gateway does not log the call to CloudWatch if any of the required identity
 * sources ... are not set, are null, or are empty": developer guide, "Call an API with an API
 * Gateway Lambda authorizer"). The access log, one line per request that reaches the stage, has
 * it: status 401, `$context.error.responseType` UNAUTHORIZED, and no `$context.authorizer.status`
 * ("-", how the access log writes a variable without a value). A 401 the authorizer throws has
 * authorizer status 401, so no request counts here and as a decision. docs/operations.md says
 * what only a real stage can confirm.
 *
 * One definition (access-log-match.ts), two readers: the metric filter here, and `npm run local`'s
 * tally (local/decision-tally.ts), which counts the same lines of <dir>/access.log.
 */
import { Construct } from "constructs";
import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { accessLogFilterPattern, MISSING_AUTHORIZATION_MATCH, MISSING_AUTHORIZATION_METRIC } from "./access-log-match";
import { METRICS_NAMESPACE, type MetricRef } from "./decision-metrics";

export const missingAuthorizationMetric = (): MetricRef => ({ namespace: METRICS_NAMESPACE, metricName: MISSING_AUTHORIZATION_METRIC, dimensions: {} });

export interface AccessLogMetricFiltersProps {
  readonly namePrefix: string;
  /** The stage's access log group. */
  readonly logGroup: CloudwatchLogGroup;
}

export class AccessLogMetricFilters extends Construct {
  readonly missingAuthorization: CloudwatchLogMetricFilter;

  constructor(scope: Construct, id: string, props: AccessLogMetricFiltersProps) {
    super(scope, id);
    this.missingAuthorization = new CloudwatchLogMetricFilter(this, "missing-authorization", {
      name: `${props.namePrefix}-missing-authorization`,
      logGroupName: props.logGroup.name,
      pattern: accessLogFilterPattern(MISSING_AUTHORIZATION_MATCH),
      metricTransformation: { namespace: METRICS_NAMESPACE, name: MISSING_AUTHORIZATION_METRIC, value: "1", unit: "Count" },
    });
  }
}
