/**
 * Which access-log lines are requests API Gateway answered 401 itself, without the authorizer
 * (access-log-metrics.ts says why), as plain data: the metric filter and `npm run local`'s tally
 * (local/decision-tally.ts) both read it, and the CLI loads it without the stack's constructs.
 */
import type { AccessLogField } from "./access-logs";

/** How the access log writes a `$context` variable that has no value. */
export const NO_VALUE = "-";

export const MISSING_AUTHORIZATION_METRIC = "MissingAuthorization";

/** The access-log fields (and values) of a 401 that API Gateway answered without the authorizer. */
export const MISSING_AUTHORIZATION_MATCH: Readonly<Partial<Record<AccessLogField, string>>> = {
  status: "401",
  errorResponseType: "UNAUTHORIZED",
  authorizerStatus: NO_VALUE,
};

/** The name of these requests on the dashboard and in `cbat decisions`, the same words in both. */
export const MISSING_AUTHORIZATION_LABEL = "no or empty Authorization: 401 by API Gateway, authorizer not called";

/** CloudWatch Logs JSON filter pattern: every field equal to its value (the access log's values are strings). */
export function accessLogFilterPattern(match: Readonly<Partial<Record<AccessLogField, string>>>): string {
  return `{ ${Object.entries(match).map(([field, value]) => `$.${field} = "${value}"`).join(" && ")} }`;
}

/** Whether an access log record (field → value) is one the filter counts. */
export function isMissingAuthorization(record: Readonly<Partial<Record<AccessLogField, string>>>): boolean {
  return Object.entries(MISSING_AUTHORIZATION_MATCH).every(([field, value]) => record[field as AccessLogField] === value);
}

