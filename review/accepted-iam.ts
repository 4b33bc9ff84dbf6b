/**
 * The wildcards plan:summary accepts, each because AWS offers nothing narrower:
 * - the AWS-managed AmazonAPIGatewayPushToCloudWatchLogs policy on API Gateway's account-level
 *   logging role (API Gateway names the log groups it writes to itself);
 * - X-Ray's PutTraceSegments / PutTelemetryRecords on "*" (no resource-level permissions),
 *   present only with xray_tracing_enabled.
 * Kept here, not imported from stacks/: the review checks the plan independently of the code that made it.
 */
const PUSH_TO_CLOUDWATCH_LOGS = /^arn:aws[a-z-]*:iam::aws:policy\/service-role\/AmazonAPIGatewayPushToCloudWatchLogs$/;
const XRAY_WRITE = new Set(["xray:PutTraceSegments", "xray:PutTelemetryRecords"]);

type Statement = { Effect?: unknown; Action?: unknown; NotAction?: unknown; Resource?: unknown; NotResource?: unknown };

/** The name of the accepted exception this is, or undefined. */
export function acceptedIamException(candidate: { readonly managedPolicyArn?: unknown; readonly statement?: Statement }): string | undefined {
  if (typeof candidate.managedPolicyArn === "string" && PUSH_TO_CLOUDWATCH_LOGS.test(candidate.managedPolicyArn)) {
    return "AWS-managed AmazonAPIGatewayPushToCloudWatchLogs (API Gateway's logging role)";
  }
  const s = candidate.statement;
  if (s && s.Effect === "Allow" && s.NotAction === undefined && s.NotResource === undefined) {
    const actions = [s.Action ?? []].flat();
    const resources = [s.Resource ?? []].flat();
    if (actions.length > 0 && actions.every((a) => typeof a === "string" && XRAY_WRITE.has(a)) && resources.every((r) => r === "*")) {
      return "X-Ray trace writes on * (no resource-level permissions)";
    }
  }
  return undefined;
}
