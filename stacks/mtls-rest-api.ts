/**
 * The REST API: the routes of the API document, every one behind a Lambda REQUEST authorizer
 * that checks the certificate binding and the route's scopes, reachable only through the
 * mutual-TLS custom domain.
 */
import { Construct } from "constructs";
import { Fn } from "cdktf";
import { ApiGatewayAuthorizer } from "@cdktf/provider-aws/lib/api-gateway-authorizer";
import { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment";
import { ApiGatewayGatewayResponse } from "@cdktf/provider-aws/lib/api-gateway-gateway-response";
import { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { ApiGatewayStage, type ApiGatewayStageConfig } from "@cdktf/provider-aws/lib/api-gateway-stage";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { apiDigest, type ApiDefinition } from "./api-document";
import { ApiRoutes, type UnauthorizedRoute } from "./api-routes";
import { deployAfterRoutesAndAuthorizer } from "./deployment-order";

/**
 * Authorizer results must not be cached. API Gateway keys its cache on the identity
 * sources (the Authorization header) alone, not on the client certificate: with the
 * default 300 s, an Allow for a token would be replayed for five minutes to anyone
 * presenting that token with *any* trusted certificate — exactly the theft that
 * certificate binding exists to stop.
 */
export const AUTHORIZER_RESULT_TTL_SECONDS = 0;

/**
 * RFC 6750 §3 / RFC 8705 §3: what the client learns. The authorizer throws "Unauthorized"
 * (401) for a missing, invalid or unbound token, and returns a Deny policy (403) only for a
 * verified, bound token that lacks a route's scope. Gateway response headers take static
 * values or request parameters only, so the required `scope` cannot be named here.
 */
export const WWW_AUTHENTICATE = {
  UNAUTHORIZED: { statusCode: "401", header: 'Bearer error="invalid_token"' },
  ACCESS_DENIED: { statusCode: "403", header: 'Bearer error="insufficient_scope"' },
} as const;

export interface MtlsRestApiProps {
  readonly namePrefix: string;
  /** The REQUEST authorizer (bundle of `handlers/authorizer.ts`). */
  readonly authorizerFunction: LambdaFunction;
  /** The routes, scopes and backends (the API document). */
  readonly api: ApiDefinition;
  /** `x-cbat-handler` name → its function (bundles of `handlers/<name>.ts`). */
  readonly handlerFunctions: Readonly<Record<string, LambdaFunction>>;
  /** @default "prod" */
  readonly stageName?: string;
  /** Routes without the authorizer (the mTLS token endpoint's, see token-endpoint.ts). @default none */
  readonly unauthorizedRoutes?: readonly UnauthorizedRoute[];
  /** Access log, tracing, and what the stage waits for (e.g. the account's logging role). @default no access log, no tracing */
  readonly stageSettings?: Pick<ApiGatewayStageConfig, "accessLogSettings" | "xrayTracingEnabled" | "dependsOn">;
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

    const routes = new ApiRoutes(this, "routes", {
      namePrefix: props.namePrefix,
      api: props.api,
      restApi: this.api,
      authorizer: this.authorizer,
      handlerFunctions: props.handlerFunctions,
      stageName,
      unauthorizedRoutes: props.unauthorizedRoutes,
    });

    const gatewayResponses = (["UNAUTHORIZED", "ACCESS_DENIED"] as const).map(
      (responseType) =>
        new ApiGatewayGatewayResponse(this, `response-${responseType.toLowerCase().replace("_", "-")}`, {
          restApiId: this.api.id,
          responseType,
          statusCode: WWW_AUTHENTICATE[responseType].statusCode,
          responseParameters: { "gatewayresponse.header.WWW-Authenticate": `'${WWW_AUTHENTICATE[responseType].header}'` },
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

    const deployment = new ApiGatewayDeployment(this, "deployment", {
      restApiId: this.api.id,
      description: "Managed by Terraform; replaced whenever the API changes",
      // A REST API change is live only after a new deployment: hash everything that shapes it.
      triggers: {
        redeployment: Fn.sha1(
          Fn.jsonencode([
            apiDigest(props.api),
            ...routes.shape,
            this.authorizer.id, this.authorizer.authorizerUri, this.authorizer.identitySource,
            this.authorizer.authorizerResultTtlInSeconds, this.authorizer.type,
            ...gatewayResponses.flatMap((r) => [r.id, r.statusCode, Fn.jsonencode(r.responseParameters)]),
          ]),
        ),
      },
      lifecycle: { createBeforeDestroy: true },
    });
    // Waits for routes.parts, the gateway responses, the routes' permissions and the authorizer's new route table.
    deployAfterRoutesAndAuthorizer(deployment, props.authorizerFunction);

    this.stage = new ApiGatewayStage(this, "stage", {
      restApiId: this.api.id,
      deploymentId: deployment.id,
      stageName,
      ...props.stageSettings,
    });
  }
}
