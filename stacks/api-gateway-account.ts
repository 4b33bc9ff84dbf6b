/**
 * The account-level setting API Gateway needs before any stage can write access logs: the
 * IAM role it assumes to write to CloudWatch Logs. `aws_api_gateway_account` is one setting per
 * account and region, so exactly one stack per region may manage it (manage_api_gateway_account).
 */
import { Construct } from "constructs";
import { Fn, TerraformCount, Token, type IResolvable } from "cdktf";
import { ApiGatewayAccount } from "@cdktf/provider-aws/lib/api-gateway-account";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { attributeOfCounted } from "./counted";

/**
 * AWS's managed policy for exactly this role (create log groups and streams, put, describe,
 * get and filter log events, on any log group). API Gateway writes to log groups it names
 * itself (execution logs), so AWS publishes no narrower policy; this is the one accepted exception
 * to "no wildcards" (plan:summary accepts it by name).
 */
export const PUSH_TO_CLOUDWATCH_LOGS_POLICY = "policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs";

export interface ApiGatewayAccountLoggingProps {
  readonly namePrefix: string;
  /** Terraform bool: create the role and set it on the account. */
  readonly manage: boolean | IResolvable;
}

export class ApiGatewayAccountLogging extends Construct {
  /** Stages that log must wait for the account setting. */
  readonly account: ApiGatewayAccount;

  constructor(scope: Construct, id: string, props: ApiGatewayAccountLoggingProps) {
    super(scope, id);
    const count = TerraformCount.of(Token.asNumber(Fn.conditional(props.manage, 1, 0)));
    const partition = new DataAwsPartition(this, "partition");
    const assumeRole = new DataAwsIamPolicyDocument(this, "assume-role", {
      statement: [{ effect: "Allow", actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["apigateway.amazonaws.com"] }] }],
    });
    const role = new IamRole(this, "role", {
      count,
      name: `${props.namePrefix}-apigateway-cloudwatch`,
      assumeRolePolicy: assumeRole.json,
      description: "API Gateway (account setting): writes the stages' access logs to CloudWatch Logs",
    });
    const attachment = new IamRolePolicyAttachment(this, "push-to-cloudwatch-logs", {
      count,
      role: attributeOfCounted(role, "name"),
      policyArn: `arn:${partition.partition}:iam::aws:${PUSH_TO_CLOUDWATCH_LOGS_POLICY}`,
    });
    this.account = new ApiGatewayAccount(this, "account", {
      count,
      cloudwatchRoleArn: attributeOfCounted(role, "arn"),
      // Destroying this stack also clears the setting, instead of leaving it on a deleted role.
      resetOnDelete: true,
      // API Gateway checks the role's permissions when the setting is made.
      dependsOn: [attachment],
    });
  }
}
