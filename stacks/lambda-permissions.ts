/**
 * API Gateway's permission to invoke the API's Lambda functions: one statement per function
 * and HTTP method (this API, this stage, this method, any path), not one per route. A
 * function's resource-based policy holds at most 20 KB whatever the account (AWS_QUOTAS):
 * per-route statements (~355 bytes each) hit it at 58 routes on one handler, part-way through
 * an apply. Per method a function gets at most 7 statements, and synth computes each policy's
 * size from the longest values AWS can fill in, refusing past the quota.
 */
import { Construct } from "constructs";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { AWS_QUOTAS, quotaMessage } from "./aws-quotas";
import { DeploymentConfigError } from "./deployment-config-error";

/** One statement: its id and the execute-api ARN suffix after `<api execution ARN>/`. */
export interface InvokeStatement {
  readonly statementId: string;
  /** e.g. `prod/GET/*` or `authorizers/<id>`. */
  readonly sourceArnSuffix: string;
}

/** Longest values AWS fills in at apply: partition, Region, account, API id, authorizer id. */
const LONGEST = { partition: "aws-iso-b", region: "ap-southeast-4", account: "123456789012", apiId: "abcdefghij", authorizerId: "abcdef" };

/**
 * The bytes of a function's policy holding `statements` (as GetPolicy returns it), with the
 * longest ARNs AWS can produce: an upper bound of what AddPermission stores.
 */
export function lambdaPolicyBytes(functionName: string, statements: readonly InvokeStatement[]): number {
  const { partition, region, account, apiId, authorizerId } = LONGEST;
  const functionArn = functionName.startsWith("arn:") ? functionName : `arn:${partition}:lambda:${region}:${account}:function:${functionName}`;
  const policy = {
    Version: "2012-10-17",
    Id: "default",
    Statement: statements.map((s) => ({
      Sid: s.statementId,
      Effect: "Allow",
      Principal: { Service: "apigateway.amazonaws.com" },
      Action: "lambda:InvokeFunction",
      Resource: functionArn,
      Condition: { ArnLike: { "AWS:SourceArn": `arn:${partition}:execute-api:${region}:${account}:${apiId}/${s.sourceArnSuffix.replace(/\$\{[^}]*\}/g, authorizerId)}` } },
    })),
  };
  return Buffer.byteLength(JSON.stringify(policy));
}

/** Refuses, at synth, a policy AddPermission would refuse part-way through an apply. */
export function checkLambdaPolicySize(functionName: string, statements: readonly InvokeStatement[], ours: "all" | "ours", setting = "api.openapi"): void {
  const bytes = lambdaPolicyBytes(functionName, statements);
  const limit = AWS_QUOTAS.lambdaResourcePolicyBytes.value;
  if (bytes > limit) {
    const whose = ours === "all" ? "" : " (our statements alone; the function's other statements add to them)";
    throw new DeploymentConfigError(setting, quotaMessage("lambdaResourcePolicyBytes", `the resource-based policy of Lambda function ${functionName}${whose}, ${statements.length} statements`, bytes, limit));
  }
}

export interface ApiInvokePermissionsProps {
  /** Makes statement ids unique per stack, for functions two stacks share. */
  readonly namePrefix: string;
  /** The REST API's execution ARN (Terraform expression). */
  readonly executionArn: string;
  readonly stageName: string;
}

/**
 * Collects which methods of the API reach which function, then writes one
 * `aws_lambda_permission` per function and method.
 */
export class ApiInvokePermissions extends Construct {
  /** By label: a function's name is a new token string at every read, its label is not. */
  private readonly grants = new Map<string, { readonly functionName: string; readonly owned: boolean; readonly methods: Set<string> }>();

  constructor(scope: Construct, id: string, private readonly props: ApiInvokePermissionsProps) {
    super(scope, id);
  }

  /**
   * `functionName`: a function name or ARN (Terraform expression allowed); `label` names it in
   * errors; `owned`: the stack owns the function, so our statements are its whole policy.
   */
  allow(functionName: string, label: string, method: string, owned: boolean): void {
    const grant = this.grants.get(label) ?? { functionName, owned, methods: new Set<string>() };
    grant.methods.add(method);
    this.grants.set(label, grant);
  }

  /** Writes the permissions; throws when a policy would exceed Lambda's 20 KB. */
  write(): void {
    for (const [label, { functionName, owned, methods }] of this.grants) {
      const sorted = [...methods].sort();
      const statements = sorted.map((method) => ({
        statementId: `AllowApiGateway-${this.props.namePrefix}-${method}`,
        sourceArnSuffix: `${this.props.stageName}/${method}/*`,
      }));
      checkLambdaPolicySize(owned ? label : functionName, statements, owned ? "all" : "ours");
      statements.forEach((statement, index) => {
        new LambdaPermission(this, `${label.replace(/[^A-Za-z0-9-]/g, "-")}-${sorted[index]}`, {
          statementId: statement.statementId,
          action: "lambda:InvokeFunction",
          functionName,
          principal: "apigateway.amazonaws.com",
          sourceArn: `${this.props.executionArn}/${statement.sourceArnSuffix}`,
        });
      });
    }
  }
}
