/**
 * The REST API: `GET /example` behind a Lambda REQUEST authorizer that checks the
 * certificate binding, reachable only through the mutual-TLS custom domain.
 */
import { Construct } from "constructs";
import { Fn } from "cdktf";
import { ApiGatewayAuthorizer } from "@cdktf/provider-aws/lib/api-gateway-authorizer";
import { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment";
import { ApiGatewayGatewayResponse } from "@cdktf/provider-aws/lib/api-gateway-gateway-response";
import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { ApiGatewayMethod } from "@cdktf/provider-aws/lib/api-gateway-method";
import { ApiGatewayResource } from "@cdktf/provider-aws/lib/api-gateway-resource";
import { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";

/**
 * Authorizer results must not be cached. API Gateway keys its cache on the identity
 * sources (the Authorization header) alone, not on the client certificate: with the
 * default 300 s, an Allow for a token would be replayed for five minutes to anyone
 * presenting that token with *any* trusted certificate — exactly the theft that
 * certificate binding exists to stop.
 */
export const AUTHORIZER_RESULT_TTL_SECONDS = 0;

/** RFC 6750 §3 / RFC 8705 §3: tell the client its token was refused. */
const WWW_AUTHENTICATE = `'Bearer error="invalid_token"'`;

export interface MtlsRestApiProps {
  readonly namePrefix: string;
  /** The REQUEST authorizer (bundle of `handlers/authorizer.ts`). */
  readonly authorizerFunction: LambdaFunction;
  /** The function behind `GET /example` (bundle of `handlers/example.ts`). */
  readonly exampleFunction: LambdaFunction;
  /** @default "prod" */
  readonly stageName?: string;
}

export class MtlsRestApi extends Construct {
  readonly api: ApiGatewayRestApi;
  readonly authorizer: ApiGatewayAuthorizer;
  readonly stage: ApiGatewayStage;

  constructor(scope: Construct, id: string, props: MtlsRestApiProps) {
    super(scope, id);
    const stageName = props.stageName ?? "prod";
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(stageName)) throw new Error(`MtlsRestApi ${id}: stageName "${stageName}" must be letters, digits, '-' or '_'`);

    this.api = new ApiGatewayRestApi(this, "api", {
      name: `${props.namePrefix}-api`,
      description: "Certificate-bound access tokens (RFC 8705) behind mutual TLS",
      endpointConfiguration: { types: ["REGIONAL"] },
      // The default execute-api URL does no mutual TLS: clients could skip the certificate there.
      disableExecuteApiEndpoint: true,
    });

    this.authorizer = new ApiGatewayAuthorizer(this, "authorizer", {
      name: "certificate-bound-token",
      restApiId: this.api.id,
      type: "REQUEST",
      authorizerUri: props.authorizerFunction.invokeArn,
      identitySource: "method.request.header.Authorization",
      authorizerResultTtlInSeconds: AUTHORIZER_RESULT_TTL_SECONDS,
    });

    const resource = new ApiGatewayResource(this, "example-resource", {
      restApiId: this.api.id,
      parentId: this.api.rootResourceId,
      pathPart: "example",
    });
    const method = new ApiGatewayMethod(this, "example-get", {
      restApiId: this.api.id,
      resourceId: resource.id,
      httpMethod: "GET",
      authorization: "CUSTOM",
      authorizerId: this.authorizer.id,
    });
    const integration = new ApiGatewayIntegration(this, "example-integration", {
      restApiId: this.api.id,
      resourceId: resource.id,
      httpMethod: method.httpMethod,
      type: "AWS_PROXY",
      integrationHttpMethod: "POST",
      uri: props.exampleFunction.invokeArn,
    });

    const gatewayResponses = (["UNAUTHORIZED", "ACCESS_DENIED"] as const).map(
      (responseType) =>
        new ApiGatewayGatewayResponse(this, `response-${responseType.toLowerCase().replace("_", "-")}`, {
          restApiId: this.api.id,
          responseType,
          statusCode: responseType === "UNAUTHORIZED" ? "401" : "403",
          responseParameters: { "gatewayresponse.header.WWW-Authenticate": WWW_AUTHENTICATE },
          responseTemplates: { "application/json": '{"message":$context.error.messageString}' },
        }),
    );

    new LambdaPermission(this, "apigateway-invokes-authorizer", {
      statementId: "AllowApiGatewayAuthorizer",
      action: "lambda:InvokeFunction",
      functionName: props.authorizerFunction.functionName,
      principal: "apigateway.amazonaws.com",
      sourceArn: `${this.api.executionArn}/authorizers/${this.authorizer.id}`,
    });
    new LambdaPermission(this, "apigateway-invokes-example", {
      statementId: "AllowApiGatewayExample",
      action: "lambda:InvokeFunction",
      functionName: props.exampleFunction.functionName,
      principal: "apigateway.amazonaws.com",
      sourceArn: `${this.api.executionArn}/*/GET/example`,
    });

    const deployment = new ApiGatewayDeployment(this, "deployment", {
      restApiId: this.api.id,
      description: "Managed by Terraform; replaced whenever the API changes",
      // A REST API change is live only after a new deployment: hash everything that shapes it.
      triggers: {
        redeployment: Fn.sha1(
          Fn.jsonencode([
            resource.id, resource.pathPart,
            method.id, method.authorization, method.authorizerId,
            integration.id, integration.uri, integration.type,
            this.authorizer.id, this.authorizer.authorizerUri, this.authorizer.identitySource,
            this.authorizer.authorizerResultTtlInSeconds, this.authorizer.type,
            ...gatewayResponses.flatMap((r) => [r.id, r.statusCode, Fn.jsonencode(r.responseParameters)]),
          ]),
        ),
      },
      lifecycle: { createBeforeDestroy: true },
      dependsOn: [method, integration, ...gatewayResponses],
    });

    this.stage = new ApiGatewayStage(this, "stage", {
      restApiId: this.api.id,
      deploymentId: deployment.id,
      stageName,
    });
  }
}
