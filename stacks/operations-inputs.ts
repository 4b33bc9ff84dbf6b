/**
 * The variables of running the stack in production: the account's API Gateway logging role,
 * throttling, the authorizer's reserved concurrency, alarms, tracing and WAF. Same contract as
 * stacks/stack-inputs.ts: exact names, a description, a validation that says what to do.
 */
import { Construct } from "constructs";
import type { TerraformVariable } from "cdktf";
import { variable } from "./stack-inputs";

/** Integer test for a number variable (Terraform numbers may be fractional). */
const isInteger = (ref: string) => `floor(${ref}) == ${ref}`;

export class OperationsInputs {
  readonly manageApiGatewayAccount: TerraformVariable;
  readonly throttlingRateLimit: TerraformVariable;
  readonly throttlingBurstLimit: TerraformVariable;
  readonly authorizerReservedConcurrency: TerraformVariable;
  readonly alarmTopicArn: TerraformVariable;
  readonly bindingMismatchAlarmThreshold: TerraformVariable;
  readonly xrayTracingEnabled: TerraformVariable;
  readonly wafWebAclArn: TerraformVariable;

  /** `manageApiGatewayAccount`: the variable's default, from the environment (deployment-config.ts). */
  constructor(scope: Construct, defaults: { readonly manageApiGatewayAccount?: boolean } = {}) {
    this.manageApiGatewayAccount = variable(scope, "manage_api_gateway_account", {
      type: "bool",
      default: defaults.manageApiGatewayAccount ?? true,
      description: "Create the role API Gateway uses to write access logs, and set it on the account (aws_api_gateway_account: one per account and region). false = the account's logging role is managed elsewhere.",
    });
    this.throttlingRateLimit = variable(scope, "throttling_rate_limit", {
      type: "number",
      default: 100,
      description: "Steady-state requests per second allowed on every method of the stage (an operation's x-cbat-throttle overrides it).",
      validation: [{ condition: "var.throttling_rate_limit > 0 && var.throttling_rate_limit <= 10000", errorMessage: "throttling_rate_limit must be a number of requests per second above 0 and at most 10000 (the account's default limit)." }],
    });
    this.throttlingBurstLimit = variable(scope, "throttling_burst_limit", {
      type: "number",
      default: 200,
      description: "Requests allowed in a burst on every method of the stage (an operation's x-cbat-throttle overrides it).",
      validation: [{ condition: `var.throttling_burst_limit >= 1 && var.throttling_burst_limit <= 5000 && ${isInteger("var.throttling_burst_limit")}`, errorMessage: "throttling_burst_limit must be a whole number of requests from 1 to 5000 (the account's default burst)." }],
    });
    this.authorizerReservedConcurrency = variable(scope, "authorizer_reserved_concurrency", {
      type: "number",
      nullable: true,
      optional: true,
      description: "Concurrent executions reserved for the authorizer: it can neither exhaust the account's Lambda concurrency nor be starved by other functions. null = unreserved. AWS refuses it at apply, leaving the function tainted, unless the account keeps at least 100 unreserved executions (account concurrency less every reservation; 1,000 by default, less on new accounts): check Service Quotas first. plan:summary warns whenever it is set.",
      validation: [{ condition: `var.authorizer_reserved_concurrency == null || try(var.authorizer_reserved_concurrency >= 1 && ${isInteger("var.authorizer_reserved_concurrency")}, false)`, errorMessage: "authorizer_reserved_concurrency must be a whole number of at least 1 (0 would refuse every request), or null for unreserved." }],
    });
    this.alarmTopicArn = variable(scope, "alarm_topic_arn", {
      type: "string",
      nullable: true,
      optional: true,
      description: "SNS topic the alarms notify (alarm and back to OK). null = alarms without notifications (plan:summary flags it).",
      validation: [{ condition: 'var.alarm_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.alarm_topic_arn))', errorMessage: "alarm_topic_arn must be a standard SNS topic ARN: arn:aws:sns:<region>:<account>:<topic>, or null." }],
    });
    this.bindingMismatchAlarmThreshold = variable(scope, "binding_mismatch_alarm_threshold", {
      type: "number",
      default: 5,
      description: "Alarm when more than this many requests in 5 minutes present a valid token with a certificate it is not bound to (cnf_mismatch: a stolen token being tried).",
      validation: [{ condition: `var.binding_mismatch_alarm_threshold >= 0 && ${isInteger("var.binding_mismatch_alarm_threshold")}`, errorMessage: "binding_mismatch_alarm_threshold must be a whole number of requests, 0 or more (0 = alarm on the first mismatch)." }],
    });
    this.xrayTracingEnabled = variable(scope, "xray_tracing_enabled", {
      type: "bool",
      default: false,
      description: "Trace requests with AWS X-Ray on the stage and the functions (the functions' roles then may write trace segments).",
    });
    this.wafWebAclArn = variable(scope, "waf_web_acl_arn", {
      type: "string",
      nullable: true,
      optional: true,
      description: "A regional WAFv2 web ACL to associate with the stage. null = none.",
      validation: [{ condition: 'var.waf_web_acl_arn == null || can(regex("^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:[0-9]{12}:regional/webacl/[A-Za-z0-9_-]{1,128}/[a-f0-9-]{36}$", var.waf_web_acl_arn))', errorMessage: "waf_web_acl_arn must be a regional WAFv2 web ACL ARN: arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>, or null." }],
    });
  }
}
