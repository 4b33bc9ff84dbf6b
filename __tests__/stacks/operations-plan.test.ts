/**
 * Running it in production, on offline plans of the real stack against the real AWS provider:
 * stage access logs and the account's logging role, throttling, the authorizer's reserved
 * concurrency, decision metrics, alarms and their topic, the dashboard (its body parsed and every
 * metric checked against what the stack publishes or AWS publishes), X-Ray and WAF.
 */
import { join } from "node:path";
import { DENY_REASONS } from "../../handlers/lib/errors";
import { STACK_NAME } from "../../stacks/stack-name";
import { assertTerraformAvailable, OfflineTerraform, synthApp, TEST_TFVARS, type PlanJson, type PlannedResource } from "../support/terraform";

const TOPIC = "arn:aws:sns:eu-west-1:123456789012:cbat-alarms";
const WEB_ACL = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/cbat/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e";

let terraform: OfflineTerraform;
let plan: PlanJson;
let custom: PlanJson;

beforeAll(() => {
  assertTerraformAvailable();
  terraform = new OfflineTerraform(join(synthApp(), "stacks", STACK_NAME));
  terraform.ok("init", "-input=false");
  plan = terraform.planJson(terraform.writeVars("test.tfvars.json", TEST_TFVARS));
  custom = terraform.planJson(terraform.writeVars("custom.tfvars.json", {
    ...TEST_TFVARS,
    manage_api_gateway_account: false,
    throttling_rate_limit: 25.5,
    throttling_burst_limit: 50,
    authorizer_reserved_concurrency: 20,
    alarm_topic_arn: TOPIC,
    binding_mismatch_alarm_threshold: 3,
    xray_tracing_enabled: true,
    waf_web_acl_arn: WEB_ACL,
  }));
}, 300_000);

const resources = (p: PlanJson, type: string): PlannedResource[] => (p.planned_values.root_module.resources ?? []).filter((r) => r.type === type);
const only = (p: PlanJson, type: string): PlannedResource => {
  const found = resources(p, type);
  expect(found).toHaveLength(1);
  return found[0];
};
const configured = (type: string) => (plan.configuration.root_module.resources ?? []).filter((r) => r.type === type);
const functionNamed = (p: PlanJson, suffix: string) => resources(p, "aws_lambda_function").find((f) => f.values.function_name === `${STACK_NAME}-${suffix}`)!;

describe("stage access logs", () => {
  it("writes one JSON line per request with the client certificate and the authorizer's outcome, never a token or the certificate", () => {
    const settings = only(plan, "aws_api_gateway_stage").values.access_log_settings[0];
    const format = JSON.parse(settings.format);
    expect(format).toMatchObject({
      requestId: "$context.requestId",
      ip: "$context.identity.sourceIp",
      requestTime: "$context.requestTime",
      httpMethod: "$context.httpMethod",
      resourcePath: "$context.resourcePath",
      status: "$context.status",
      responseLatency: "$context.responseLatency",
      authorizerError: "$context.authorizer.error",
      authorizerStatus: "$context.authorizer.status",
      clientCertSerial: "$context.identity.clientCert.serialNumber",
      clientCertNotAfter: "$context.identity.clientCert.validity.notAfter",
      principalId: "$context.authorizer.principalId",
      errorResponseType: "$context.error.responseType",
    });
    expect(settings.format).not.toMatch(/clientCertPem|Authorization|\$input|userAgent|subjectDN|issuerDN/); // DNs: API Gateway does not escape them
    for (const value of Object.values<string>(format)) expect(value).toMatch(/^\$context\.[A-Za-z.]+$/);
  });

  it("goes to its own log group, kept log_retention_days", () => {
    const group = resources(plan, "aws_cloudwatch_log_group").find((g) => g.values.name === `/aws/apigateway/${STACK_NAME}/access`)!;
    expect(group.values.retention_in_days).toBe(30);
    const stage = configured("aws_api_gateway_stage")[0];
    expect(stage.expressions.access_log_settings[0].destination_arn.references).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_cloudwatch_log_group\.operations_access-log.*\.arn$/)]));
  });

  it("sets the account's logging role (AmazonAPIGatewayPushToCloudWatchLogs, trusted by API Gateway only) before the stage, unless told not to", () => {
    const account = only(plan, "aws_api_gateway_account");
    expect(account.values.reset_on_delete).toBe(true);
    expect(only(plan, "aws_iam_role_policy_attachment").values.policy_arn).toBe("arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs");
    const role = resources(plan, "aws_iam_role").find((r) => r.values.name === `${STACK_NAME}-apigateway-cloudwatch`)!;
    expect(JSON.parse(role.values.assume_role_policy).Statement).toEqual([expect.objectContaining({ Action: "sts:AssumeRole", Principal: { Service: "apigateway.amazonaws.com" } })]);
    expect(configured("aws_api_gateway_stage")[0]).toMatchObject({ depends_on: expect.arrayContaining([expect.stringMatching(/^aws_api_gateway_account\./)]) });

    for (const type of ["aws_api_gateway_account", "aws_iam_role_policy_attachment"]) expect(resources(custom, type)).toHaveLength(0);
    expect(resources(custom, "aws_iam_role").map((r) => r.values.name)).not.toContain(`${STACK_NAME}-apigateway-cloudwatch`);
    expect(only(custom, "aws_api_gateway_stage").values.access_log_settings).toHaveLength(1);
  });
});

describe("throttling and concurrency", () => {
  it("limits every method of the stage (100 req/s, burst 200 by default) with execution logs off", () => {
    expect(only(plan, "aws_api_gateway_method_settings").values).toMatchObject({
      method_path: "*/*",
      stage_name: "prod",
      settings: [{ throttling_rate_limit: 100, throttling_burst_limit: 200, logging_level: "OFF", data_trace_enabled: false, metrics_enabled: false }],
    });
    expect(only(custom, "aws_api_gateway_method_settings").values.settings[0]).toMatchObject({ throttling_rate_limit: 25.5, throttling_burst_limit: 50 });
  });

  it("reserves the authorizer's concurrency only when asked", () => {
    expect(functionNamed(plan, "authorizer").values.reserved_concurrent_executions).toBe(-1); // unreserved
    expect(functionNamed(custom, "authorizer").values.reserved_concurrent_executions).toBe(20);
    expect(functionNamed(custom, "example").values.reserved_concurrent_executions).toBe(-1);
  });
});

describe("decision metrics and alarms", () => {
  it("counts the authorizer's decision lines in namespace CertBoundApi: Allow, Deny, Deny by Reason", () => {
    const filters = resources(plan, "aws_cloudwatch_log_metric_filter").map((f) => f.values).filter((f) => f.log_group_name === `/aws/lambda/${STACK_NAME}-authorizer`);
    expect(filters.map((f) => [f.metric_transformation[0].namespace, f.metric_transformation[0].name, f.metric_transformation[0].dimensions ?? null, f.pattern]).sort()).toEqual([
      ["CertBoundApi", "Allow", null, '{ $.message = "authorizer decision" && $.decision = "Allow" }'],
      ["CertBoundApi", "Deny", null, '{ $.message = "authorizer decision" && $.decision = "Deny" }'],
      ["CertBoundApi", "Deny", { Reason: "$.reason" }, '{ $.message = "authorizer decision" && $.decision = "Deny" }'],
    ]);
  });

  it("counts the 401s API Gateway answers without the authorizer (no or empty Authorization) from the stage's access log", () => {
    const filters = resources(plan, "aws_cloudwatch_log_metric_filter").map((f) => f.values).filter((f) => f.log_group_name !== `/aws/lambda/${STACK_NAME}-authorizer`);
    expect(filters).toEqual([expect.objectContaining({
      name: `${STACK_NAME}-missing-authorization`,
      log_group_name: `/aws/apigateway/${STACK_NAME}/access`,
      pattern: '{ $.status = "401" && $.errorResponseType = "UNAUTHORIZED" && $.authorizerStatus = "-" }',
      metric_transformation: [expect.objectContaining({ namespace: "CertBoundApi", name: "MissingAuthorization", value: "1", unit: "Count" })],
    })]);
    expect(filters[0].metric_transformation[0].dimensions ?? null).toBeNull();
  });

  it("alarms on binding mismatches, config and internal errors, authorizer failures and throttles, and the stage's 5XX rate, notifying nobody by default", () => {
    const alarms = Object.fromEntries(resources(plan, "aws_cloudwatch_metric_alarm").map((a) => [a.values.alarm_name, a.values]));
    expect(Object.keys(alarms).sort()).toEqual([
      "authorizer-config-error", "authorizer-errors", "authorizer-internal-error", "authorizer-throttles", "binding-mismatch", "stage-5xx-rate",
    ].map((suffix) => `${STACK_NAME}-${suffix}`));
    expect(alarms[`${STACK_NAME}-binding-mismatch`]).toMatchObject({
      namespace: "CertBoundApi", metric_name: "Deny", dimensions: { Reason: "cnf_mismatch" }, statistic: "Sum", period: 300, threshold: 5, comparison_operator: "GreaterThanThreshold",
    });
    expect(alarms[`${STACK_NAME}-authorizer-throttles`]).toMatchObject({ namespace: "AWS/Lambda", metric_name: "Throttles", dimensions: { FunctionName: `${STACK_NAME}-authorizer` } });
    expect(alarms[`${STACK_NAME}-stage-5xx-rate`]).toMatchObject({ namespace: "AWS/ApiGateway", metric_name: "5XXError", statistic: "Average", dimensions: { ApiName: `${STACK_NAME}-api`, Stage: "prod" }, threshold: 0.05 });
    const errors = alarms[`${STACK_NAME}-authorizer-errors`];
    expect(errors.metric_query.find((q: any) => q.return_data).expression).toBe("FILL(errors, 0) - 1.01 * (FILL(denies, 0) - FILL(forbidden0, 0) - FILL(forbidden1, 0))");
    for (const alarm of Object.values<any>(alarms)) {
      expect(alarm).toMatchObject({ treat_missing_data: "notBreaching", evaluation_periods: 1 });
      expect([alarm.alarm_actions ?? [], alarm.ok_actions ?? []]).toEqual([[], []]); // an empty set plans as null
    }
  });

  it("notifies alarm_topic_arn when set, with the chosen binding-mismatch threshold", () => {
    for (const alarm of resources(custom, "aws_cloudwatch_metric_alarm")) expect(alarm.values).toMatchObject({ alarm_actions: [TOPIC], ok_actions: [TOPIC] });
    expect(resources(custom, "aws_cloudwatch_metric_alarm").find((a) => a.values.alarm_name.endsWith("binding-mismatch"))!.values.threshold).toBe(3);
  });
});

describe("the dashboard", () => {
  /** Every metric the plan can put into CloudWatch: the metric filters' (one series per deny reason) and AWS's for these functions and this stage. */
  function publishable(p: PlanJson): Set<string> {
    const ids = new Set<string>();
    for (const filter of resources(p, "aws_cloudwatch_log_metric_filter")) {
      const { namespace, name, dimensions } = filter.values.metric_transformation[0];
      if (!dimensions) ids.add(JSON.stringify([namespace, name]));
      else for (const reason of DENY_REASONS) ids.add(JSON.stringify([namespace, name, ...Object.keys(dimensions).flatMap((d) => [d, reason])]));
    }
    for (const fn of resources(p, "aws_lambda_function")) {
      for (const metric of ["Invocations", "Errors", "Throttles", "Duration", "ConcurrentExecutions"]) ids.add(JSON.stringify(["AWS/Lambda", metric, "FunctionName", fn.values.function_name]));
    }
    const api = only(p, "aws_api_gateway_rest_api").values.name;
    const stage = only(p, "aws_api_gateway_stage").values.stage_name;
    for (const metric of ["Count", "4XXError", "5XXError", "Latency", "IntegrationLatency"]) ids.add(JSON.stringify(["AWS/ApiGateway", metric, "ApiName", api, "Stage", stage]));
    return ids;
  }

  it("is valid JSON whose every metric the stack or AWS publishes, with decisions by every reason", () => {
    const dashboard = only(plan, "aws_cloudwatch_dashboard").values;
    expect(dashboard.dashboard_name).toBe(`${STACK_NAME}-operations`);
    const body = JSON.parse(dashboard.dashboard_body);
    const known = publishable(plan);
    const drawn: string[] = [];
    for (const widget of body.widgets) {
      expect(widget).toMatchObject({ type: expect.stringMatching(/^(metric|text)$/), x: expect.any(Number), y: expect.any(Number), width: expect.any(Number), height: expect.any(Number) });
      expect(widget.x + widget.width).toBeLessThanOrEqual(24);
      if (widget.type !== "metric") continue;
      expect(widget.properties).toMatchObject({ region: "eu-west-1", title: expect.any(String) });
      for (const line of widget.properties.metrics) {
        const id = JSON.stringify(line.filter((part: unknown) => typeof part === "string"));
        expect(known).toContain(id);
        expect(line[line.length - 1]).toMatchObject({ stat: expect.stringMatching(/^(Sum|Average|p50|p99)$/) });
        drawn.push(id);
      }
    }
    for (const reason of DENY_REASONS) expect(drawn).toContain(JSON.stringify(["CertBoundApi", "Deny", "Reason", reason]));
    for (const metric of ["Duration", "Errors", "Throttles"]) expect(drawn).toContain(JSON.stringify(["AWS/Lambda", metric, "FunctionName", `${STACK_NAME}-authorizer`]));
    expect(drawn).toContain(JSON.stringify(["AWS/Lambda", "Errors", "FunctionName", `${STACK_NAME}-pre-token-generation`]));
    for (const metric of ["4XXError", "5XXError", "Latency"]) expect(drawn).toContain(JSON.stringify(["AWS/ApiGateway", metric, "ApiName", `${STACK_NAME}-api`, "Stage", "prod"]));
    const mismatch = body.widgets.find((w: any) => /cnf_mismatch/.test(w.properties?.title ?? ""));
    expect(mismatch.properties.annotations.horizontal[0].value).toBe(5);
    expect(JSON.parse(only(custom, "aws_cloudwatch_dashboard").values.dashboard_body).widgets.find((w: any) => /cnf_mismatch/.test(w.properties?.title ?? "")).properties.annotations.horizontal[0].value).toBe(3);
  });

  it("alarms, too, watch only metrics the stack or AWS publishes", () => {
    const known = publishable(plan);
    for (const alarm of resources(plan, "aws_cloudwatch_metric_alarm")) {
      const metrics = alarm.values.metric_name
        ? [{ namespace: alarm.values.namespace, metric_name: alarm.values.metric_name, dimensions: alarm.values.dimensions }]
        : alarm.values.metric_query.filter((q: any) => q.metric.length > 0).map((q: any) => q.metric[0]);
      for (const m of metrics) expect(known).toContain(JSON.stringify([m.namespace, m.metric_name, ...Object.entries(m.dimensions ?? {}).flat()]));
    }
  });
});

describe("optional X-Ray and WAF", () => {
  it("traces nothing and associates no web ACL by default", () => {
    for (const fn of resources(plan, "aws_lambda_function")) expect(fn.values.tracing_config).toEqual([{ mode: "PassThrough" }]);
    expect(only(plan, "aws_api_gateway_stage").values.xray_tracing_enabled).toBe(false);
    expect(resources(plan, "aws_wafv2_web_acl_association")).toHaveLength(0);
    expect(resources(plan, "aws_iam_role_policy").map((p) => p.values.name)).not.toContain("write-xray-traces");
  });

  it("with xray_tracing_enabled traces the stage and every function, whose roles may then write traces (and nothing else)", () => {
    expect(only(custom, "aws_api_gateway_stage").values.xray_tracing_enabled).toBe(true);
    const functions = resources(custom, "aws_lambda_function");
    for (const fn of functions) expect(fn.values.tracing_config).toEqual([{ mode: "Active" }]);
    const xray = resources(custom, "aws_iam_role_policy").filter((p) => p.values.name === "write-xray-traces");
    expect(xray).toHaveLength(functions.length);
    for (const policy of xray) {
      expect(JSON.parse(policy.values.policy).Statement).toEqual([{ Sid: "XRayWrite", Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" }]);
    }
  });

  it("associates waf_web_acl_arn with the stage", () => {
    expect(only(custom, "aws_wafv2_web_acl_association").values.web_acl_arn).toBe(WEB_ACL);
    const association = (custom.configuration.root_module.resources ?? []).find((r) => r.type === "aws_wafv2_web_acl_association")!;
    expect(association.expressions.resource_arn.references).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_api_gateway_stage\..*\.arn$/)]));
  });
});

it("refuses bad values of the new variables, naming each and saying what to do", () => {
  const bad = {
    throttling_rate_limit: [0, "throttling_rate_limit must be a number of requests per second above 0"],
    throttling_burst_limit: [2.5, "throttling_burst_limit must be a whole number of requests from 1 to 5000"],
    authorizer_reserved_concurrency: [0, "authorizer_reserved_concurrency must be a whole number of at least 1"],
    alarm_topic_arn: ["arn:aws:sqs:eu-west-1:123456789012:queue", "alarm_topic_arn must be a standard SNS topic ARN"],
    binding_mismatch_alarm_threshold: [-1, "binding_mismatch_alarm_threshold must be a whole number of requests, 0 or more"],
    waf_web_acl_arn: ["arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e", "waf_web_acl_arn must be a regional WAFv2 web ACL ARN"],
  } as const;
  const vars = { ...TEST_TFVARS, ...Object.fromEntries(Object.entries(bad).map(([name, [value]]) => [name, value])) };
  const result = terraform.run("plan", "-refresh=false", "-lock=false", "-input=false", `-var-file=${terraform.writeVars("bad-operations.tfvars.json", vars)}`);
  expect(result.status).not.toBe(0);
  const errors = result.stderr.replace(/\s+/g, " ");
  for (const [, message] of Object.values(bad)) expect(errors).toContain(message);
});
