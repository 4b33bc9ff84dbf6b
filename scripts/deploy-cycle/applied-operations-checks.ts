/**
 * SDK checks of the operations resources (issue 15): the account's CloudWatch role is the
 * stack's, trusted by API Gateway and holding AWS's push-to-CloudWatch-Logs policy; the stage
 * writes its access log to the stack's log group in the configured format; every method
 * setting throttles as configured and keeps execution logs and data tracing off (they would
 * record request headers, tokens included); every decision metric filter matches and publishes
 * as configured. Alarms and the dashboard have no SDK client here: the second plan's refresh
 * is their check.
 */
import { GetAccountCommand, GetStageCommand } from "@aws-sdk/client-api-gateway";
import { DescribeMetricFiltersCommand } from "@aws-sdk/client-cloudwatch-logs";
import { ListAttachedRolePoliciesCommand } from "@aws-sdk/client-iam";
import { PUSH_TO_CLOUDWATCH_LOGS_POLICY } from "../../stacks/api-gateway-account";
import { expectSame, expectStackRole, first, ofType, type Check } from "./check-kit";

const account: Check = async (v, ctx, found) => {
  const where = "API Gateway account";
  const shown = await ctx.clients.apiGateway.send(new GetAccountCommand({}));
  expectSame(found, ctx, where, "aws_api_gateway_account", "cloudwatch_role_arn", shown.cloudwatchRoleArn, v.cloudwatch_role_arn);
  const role = await expectStackRole(found, ctx, where, shown.cloudwatchRoleArn, "apigateway.amazonaws.com");
  if (!role) return;
  const attached = (await ctx.clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role.name }))).AttachedPolicies ?? [];
  if (!attached.some((p) => p.PolicyArn?.endsWith(`:iam::aws:${PUSH_TO_CLOUDWATCH_LOGS_POLICY}`))) {
    found.problems.push(`${where}: its role ${role.name} lacks ${PUSH_TO_CLOUDWATCH_LOGS_POLICY}, so API Gateway could not write access logs`);
  }
};

const stage: Check = async (v, ctx, found) => {
  const where = `stage ${v.stage_name}`;
  const shown = await ctx.clients.apiGateway.send(new GetStageCommand({ restApiId: v.rest_api_id, stageName: v.stage_name }));
  const configured = first(v.access_log_settings);
  if (!configured) found.problems.push(`${where}: no access log, so requests refused before the authorizer are recorded nowhere`);
  expectSame(found, ctx, where, "aws_api_gateway_stage", "access_log_settings", shown.accessLogSettings, configured && { destinationArn: configured.destination_arn, format: configured.format });
  if (configured && !ofType(ctx, "aws_cloudwatch_log_group").some((g) => g.values.arn === configured.destination_arn)) {
    found.problems.push(`${where}: access log to ${configured.destination_arn}, which is not one of the stack's log groups`);
  }
  expectSame(found, ctx, where, "aws_api_gateway_stage", "xray_tracing_enabled", shown.tracingEnabled ?? false, v.xray_tracing_enabled);
};

const methodSettings: Check = async (v, ctx, found) => {
  const where = `stage ${v.stage_name} method settings ${v.method_path}`;
  const shown = (await ctx.clients.apiGateway.send(new GetStageCommand({ restApiId: v.rest_api_id, stageName: v.stage_name }))).methodSettings?.[v.method_path];
  if (!shown) {
    found.problems.push(`${where}: the stage has no method settings under this key`);
    return;
  }
  const configured = first(v.settings) ?? {};
  expectSame(found, ctx, where, "aws_api_gateway_method_settings", "throttling_rate_limit", shown.throttlingRateLimit, configured.throttling_rate_limit);
  expectSame(found, ctx, where, "aws_api_gateway_method_settings", "throttling_burst_limit", shown.throttlingBurstLimit, configured.throttling_burst_limit);
  if (shown.dataTraceEnabled !== false || (shown.loggingLevel ?? "OFF") !== "OFF") {
    found.problems.push(`${where}: execution logging ${shown.loggingLevel} with data trace ${shown.dataTraceEnabled}: it would record request headers, tokens included`);
  }
};

const metricFilter: Check = async (v, ctx, found) => {
  const where = `metric filter ${v.name}`;
  const filters = (await ctx.clients.logs.send(new DescribeMetricFiltersCommand({ logGroupName: v.log_group_name, filterNamePrefix: v.name }))).metricFilters ?? [];
  const shown = filters.find((f) => f.filterName === v.name);
  if (!shown) {
    found.problems.push(`${where}: not on log group ${v.log_group_name}`);
    return;
  }
  expectSame(found, ctx, where, "aws_cloudwatch_log_metric_filter", "pattern", shown.filterPattern, v.pattern);
  const transformation = first(v.metric_transformation) ?? {};
  const published = shown.metricTransformations?.[0];
  expectSame(found, ctx, where, "aws_cloudwatch_log_metric_filter", "metric_transformation", published && {
    name: published.metricName, namespace: published.metricNamespace, value: published.metricValue, dimensions: published.dimensions ?? {},
  }, { name: transformation.name, namespace: transformation.namespace, value: transformation.value, dimensions: transformation.dimensions ?? {} });
};

export const OPERATIONS_CHECKS: Readonly<Record<string, Check>> = {
  aws_api_gateway_account: account,
  aws_api_gateway_stage: stage,
  aws_api_gateway_method_settings: methodSettings,
  aws_cloudwatch_log_metric_filter: metricFilter,
};
