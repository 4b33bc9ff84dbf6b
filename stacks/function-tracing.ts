/**
 * Optional AWS X-Ray tracing of a function (xray_tracing_enabled). With "Active" tracing Lambda
 * needs the execution role to write trace segments; X-Ray's PutTraceSegments and
 * PutTelemetryRecords support no resource-level permissions, so that statement's resource is "*"
 * (the only wildcard of the functions' roles, present only while tracing is on; plan:summary
 * accepts exactly these two actions).
 */
import { Construct } from "constructs";
import { Fn, TerraformCount, Token, type IResolvable } from "cdktf";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { LambdaFunctionTracingConfig } from "@cdktf/provider-aws/lib/lambda-function";

export const XRAY_WRITE_ACTIONS = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"] as const;

/** Adds the role policy (only when `enabled`) and returns the function's tracing_config. */
export function xrayTracing(scope: Construct, role: IamRole, enabled: boolean | IResolvable): LambdaFunctionTracingConfig {
  new IamRolePolicy(scope, "xray-write-policy", {
    count: TerraformCount.of(Token.asNumber(Fn.conditional(enabled, 1, 0))),
    name: "write-xray-traces",
    role: role.id,
    policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "XRayWrite", Effect: "Allow", Action: [...XRAY_WRITE_ACTIONS], Resource: "*" }] }),
  });
  // PassThrough: no segments of its own, only the trace header passed on (Lambda's default).
  return { mode: Token.asString(Fn.conditional(enabled, "Active", "PassThrough")) };
}
