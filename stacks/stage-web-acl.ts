/** Optional WAFv2 web ACL on the stage (waf_web_acl_arn): rate rules, IP sets, managed rule groups of your own. */
import { Construct } from "constructs";
import { Fn, TerraformCount } from "cdktf";
import type { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";

export interface StageWebAclProps {
  readonly stage: ApiGatewayStage;
  /** Terraform expression: a regional web ACL ARN, or null for none. */
  readonly webAclArn: string;
}

export class StageWebAcl extends Construct {
  constructor(scope: Construct, id: string, props: StageWebAclProps) {
    super(scope, id);
    new Wafv2WebAclAssociation(this, "association", {
      // length(compact([arn])): 1 with an ARN, 0 with null.
      count: TerraformCount.of(Fn.lengthOf(Fn.compact([props.webAclArn]))),
      resourceArn: props.stage.arn,
      webAclArn: props.webAclArn,
    });
  }
}
