/**
 * When the stage may switch to a new deployment. A deployment is an immutable snapshot of the
 * REST API, and the stage serves it as soon as it switches; so the new deployment must be
 * created after everything of this apply that the routes need: every method, integration,
 * response and resource of the API, every Lambda permission API Gateway invokes a function
 * with, and the authorizer function's code and configuration (its route table). Otherwise
 * new routes answer 401 (unknown to the old route table) or 5xx (no permission yet) for a while.
 *
 * The dependency is generic: an aspect collects those resources wherever in the stack they are
 * made (ApiRoutes today; a per-function permission elsewhere tomorrow) when the stack is synthesized.
 *
 * What Terraform's graph cannot order: a route that leaves the document is destroyed *after* the
 * old deployment (which depends on it), and that is after the stage switched to the new one (the
 * stage must never point at a deleted deployment). So the deployment the stage ends on was
 * snapshotted while the removed method still existed; the authorizer answers its calls 403
 * `route_unknown` (not the paging `config_error`) until the next deployment: docs/operations.md,
 * "Removing a route", says why no ordering of one apply avoids it and how to redeploy.
 */
import { Aspects, TerraformStack, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { ApiGatewayAuthorizer } from "@cdktf/provider-aws/lib/api-gateway-authorizer";
import type { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment";
import { ApiGatewayGatewayResponse } from "@cdktf/provider-aws/lib/api-gateway-gateway-response";
import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { ApiGatewayIntegrationResponse } from "@cdktf/provider-aws/lib/api-gateway-integration-response";
import { ApiGatewayMethod } from "@cdktf/provider-aws/lib/api-gateway-method";
import { ApiGatewayMethodResponse } from "@cdktf/provider-aws/lib/api-gateway-method-response";
import { ApiGatewayResource } from "@cdktf/provider-aws/lib/api-gateway-resource";
import type { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";

/** The REST API parts a deployment snapshots. */
const SNAPSHOTTED = [ApiGatewayResource, ApiGatewayMethod, ApiGatewayIntegration, ApiGatewayMethodResponse, ApiGatewayIntegrationResponse, ApiGatewayGatewayResponse, ApiGatewayAuthorizer];

/** Makes `deployment` wait for every snapshotted part, API Gateway's Lambda permissions and `authorizerFunction`. */
export function deployAfterRoutesAndAuthorizer(deployment: ApiGatewayDeployment, authorizerFunction: LambdaFunction): void {
  const aspect: IAspect = {
    visit(node: IConstruct) {
      const waitsFor = node === authorizerFunction
        || SNAPSHOTTED.some((type) => node instanceof type)
        || (node instanceof LambdaPermission && node.principalInput === "apigateway.amazonaws.com");
      if (!waitsFor) return;
      const resource = node as LambdaFunction;
      const address = `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
      const current = deployment.dependsOn ?? [];
      if (!current.includes(address) && !current.includes(`\${${address}}`)) deployment.dependsOn = [...current, address];
    },
  };
  Aspects.of(TerraformStack.of(deployment)).add(aspect);
}
