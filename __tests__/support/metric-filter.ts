/**
 * CloudWatch Logs' evaluation of a metric filter on one log event, for the JSON filter patterns
 * the stack uses: `{ $.a = "x" && $.b != "y" }` (CloudWatch Logs docs, "Filter pattern syntax
 * for metric filters": JSON patterns, string equality, &&). This stands in for the one thing we
 * cannot reach, CloudWatch Logs itself (its TestMetricFilter API); any other syntax throws, so a
 * richer pattern fails the test instead of being half-understood.
 */
export interface PlannedMetricFilter {
  readonly pattern: string;
  readonly metric_transformation: Array<{ namespace: string; name: string; value: string; dimensions?: Record<string, string> | null }>;
}

export interface PublishedMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  readonly value: number;
}

const CONDITION = /^\$\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)\s*(=|!=)\s*"([^"*]*)"$/;

const select = (event: unknown, path: string): unknown =>
  path.split(".").reduce<unknown>((value, key) => (value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined), event);

export function matchesPattern(pattern: string, message: string): boolean {
  const body = /^\{\s*(.*?)\s*\}$/.exec(pattern.trim())?.[1];
  if (body === undefined) throw new Error(`not a JSON filter pattern this stand-in reads: ${pattern}`);
  let event: unknown;
  try {
    event = JSON.parse(message);
  } catch {
    return false; // a JSON pattern never matches an event that is not JSON
  }
  if (event === null || typeof event !== "object") return false;
  return body.split("&&").every((part) => {
    const condition = CONDITION.exec(part.trim());
    if (!condition) throw new Error(`unsupported condition "${part.trim()}" in ${pattern}`);
    const [, path, operator, expected] = condition;
    const actual = select(event, path);
    return operator === "=" ? actual === expected : actual !== expected;
  });
}

/** What the filter publishes for one log event: nothing, or one data point. */
export function publishedBy(filter: PlannedMetricFilter, message: string): PublishedMetric | undefined {
  if (!matchesPattern(filter.pattern, message)) return undefined;
  const transformation = filter.metric_transformation[0];
  const dimensions: Record<string, string> = {};
  for (const [name, selector] of Object.entries(transformation.dimensions ?? {})) {
    const value = /^\$\.(.+)$/.exec(selector) ? select(JSON.parse(message), selector.slice(2)) : undefined;
    if (typeof value !== "string") return undefined; // CloudWatch drops a point whose dimension field is missing
    dimensions[name] = value;
  }
  return { namespace: transformation.namespace, metricName: transformation.name, dimensions, value: Number(transformation.value) };
}
