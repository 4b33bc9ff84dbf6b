/**
 * The authorizer's decisions as CloudWatch metrics, from its one decision line per request
 * (handlers/lib/decision-log.ts), by metric filters on its log group: no per-request API call,
 * nothing in the handler that knows about metrics. The alarms and the dashboard take their
 * metric names and dimensions from here, and the deny reasons from handlers/lib/errors.ts, so a
 * reason added there is counted, drawn and alarmable without touching this file.
 *
 * Why metric filters and not Embedded Metric Format: the names then live in the stack alone (EMF
 * would put the namespace and metric names into handler code, which the stack may not import).
 * Why the lines are filterable: the Lambda entry point writes them straight to stdout, and "Lambda
 * automatically sends everything that your function writes to standard output to a CloudWatch Logs
 * log group" (CloudWatch docs, "Using the embedded metric format with Lambda"), one event per line;
 * console.log would be prefixed ("<time>\t<request id>\tINFO\t") in the Text log format, or wrapped
 * as an escaped string in `message` in the JSON format (Lambda Node.js runtime, LogPatch), and a
 * JSON filter pattern matches only an event that is a JSON object.
 */
import { Construct } from "constructs";
import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { DENY_REASONS, type DenyReason } from "../handlers/lib/errors";

export const METRICS_NAMESPACE = "CertBoundApi";
export const REASON_DIMENSION = "Reason";

/** A metric as CloudWatch names it: what alarms and dashboard widgets refer to. */
export interface MetricRef {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** The fields of the decision line the filters read (decision-log.ts writes them). */
const DECISION_LINE = { message: "authorizer decision", decision: "decision", reason: "reason" } as const;

type Decision = "Allow" | "Deny";

interface FilterDefinition {
  readonly id: string;
  readonly decision: Decision;
  /** Dimension name → the decision line's field that gives its value. */
  readonly dimensionsFrom: Readonly<Record<string, string>>;
}

/** Metric name = the decision; Deny once in total and once per reason. */
export const DECISION_FILTERS: readonly FilterDefinition[] = [
  { id: "allow", decision: "Allow", dimensionsFrom: {} },
  { id: "deny", decision: "Deny", dimensionsFrom: {} },
  { id: "deny-by-reason", decision: "Deny", dimensionsFrom: { [REASON_DIMENSION]: DECISION_LINE.reason } },
];

/** CloudWatch Logs JSON filter pattern of one decision. */
export function decisionFilterPattern(decision: Decision): string {
  return `{ $.message = "${DECISION_LINE.message}" && $.${DECISION_LINE.decision} = "${decision}" }`;
}

const decisionMetric = (decision: Decision, dimensions: Record<string, string> = {}): MetricRef => ({ namespace: METRICS_NAMESPACE, metricName: decision, dimensions });
export const allowMetric = () => decisionMetric("Allow");
/** Every Deny, whatever the reason. */
export const denyMetric = () => decisionMetric("Deny");
export const denyReasonMetric = (reason: DenyReason) => decisionMetric("Deny", { [REASON_DIMENSION]: reason });

/** Every metric the filters can publish, one per deny reason of handlers/lib/errors.ts. */
export function decisionMetrics(): MetricRef[] {
  return [allowMetric(), denyMetric(), ...DENY_REASONS.map(denyReasonMetric)];
}

export interface DecisionMetricFiltersProps {
  readonly namePrefix: string;
  /** The authorizer's log group. */
  readonly logGroup: CloudwatchLogGroup;
}

export class DecisionMetricFilters extends Construct {
  readonly filters: CloudwatchLogMetricFilter[];

  constructor(scope: Construct, id: string, props: DecisionMetricFiltersProps) {
    super(scope, id);
    this.filters = DECISION_FILTERS.map((filter) => new CloudwatchLogMetricFilter(this, filter.id, {
      name: `${props.namePrefix}-authorizer-${filter.id}`,
      logGroupName: props.logGroup.name,
      pattern: decisionFilterPattern(filter.decision),
      metricTransformation: {
        namespace: METRICS_NAMESPACE,
        name: filter.decision,
        value: "1",
        unit: "Count",
        dimensions: Object.keys(filter.dimensionsFrom).length > 0
          ? Object.fromEntries(Object.entries(filter.dimensionsFrom).map(([dimension, field]) => [dimension, `$.${field}`]))
          : undefined,
      },
    }));
  }
}
