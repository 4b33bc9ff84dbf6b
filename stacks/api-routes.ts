/**
 * The routes of the API document as REST API resources: one `aws_api_gateway_resource` per
 * path segment, and per operation a method behind the certificate-bound authorizer, its
 * integration; and per function and method one Lambda permission (lambda-permissions.ts).
 */
import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import type { ApiGatewayAuthorizer } from "@cdktf/provider-aws/lib/api-gateway-authorizer";
import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { ApiGatewayIntegrationResponse } from "@cdktf/provider-aws/lib/api-gateway-integration-response";
import { ApiGatewayMethod } from "@cdktf/provider-aws/lib/api-gateway-method";
import { ApiGatewayMethodResponse } from "@cdktf/provider-aws/lib/api-gateway-method-response";
import { ApiGatewayResource } from "@cdktf/provider-aws/lib/api-gateway-resource";
import type { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import type { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import type { ApiDefinition, ApiRoute } from "./api-document";
import { lambdaArnOfInvokeUri, type ApiIntegration } from "./api-integration";
import { ApiInvokePermissions } from "./lambda-permissions";
import { terraformLiteral, terraformLiteralMap } from "./terraform-literal";

export interface ApiRoutesProps {
  /** Prefix of the stack's resource names; also makes the permissions' statement ids unique per stack. */
  readonly namePrefix: string;
  readonly api: ApiDefinition;
  readonly restApi: ApiGatewayRestApi;
  readonly authorizer: ApiGatewayAuthorizer;
  /** `x-cbat-handler` name → its function; every handler the document names must be here. */
  readonly handlerFunctions: Readonly<Record<string, LambdaFunction>>;
  /** The stage API Gateway invokes the functions from. */
  readonly stageName: string;
  /**
   * Routes without the authorizer, each served by its function (the mTLS token endpoint's:
   * there the certificate alone authenticates, and the function checks it). @default none
   */
  readonly unauthorizedRoutes?: readonly UnauthorizedRoute[];
}

export interface UnauthorizedRoute {
  readonly method: string;
  readonly path: string;
  readonly function: LambdaFunction;
  /** The function's name as a literal: names it in errors and keys its permissions. */
  readonly functionLabel: string;
}

export class ApiRoutes extends Construct {
  /** Methods, integrations and responses: the deployment waits for all of them. */
  readonly parts: ITerraformDependable[] = [];
  /** Values that change whenever a route changes; the deployment hashes them. */
  readonly shape: unknown[] = [];
  private readonly resources = new Map<string, string>();
  private readonly ids = new Map<string, string>();
  private readonly permissions: ApiInvokePermissions;

  constructor(scope: Construct, id: string, private readonly props: ApiRoutesProps) {
    super(scope, id);
    this.permissions = new ApiInvokePermissions(this, "invoke", { namePrefix: props.namePrefix, executionArn: props.restApi.executionArn, stageName: props.stageName });
    for (const route of props.api.routes) this.addRoute(route);
    for (const route of props.unauthorizedRoutes ?? []) this.addUnauthorizedRoute(route);
    this.permissions.write();
  }

  private addUnauthorizedRoute(route: UnauthorizedRoute): void {
    const taken = this.props.api.routes.find((r) => r.method === route.method && r.path === route.path);
    if (taken) throw new Error(`ApiRoutes: the API document's ${route.method} ${route.path} is a route of the stack's mTLS token endpoint; rename it`);
    const name = `${route.method.toLowerCase()}${this.idOf(route.path)}`;
    const resourceId = this.resourceFor(route.path);
    const method = new ApiGatewayMethod(this, `${name}-method`, { restApiId: this.props.restApi.id, resourceId, httpMethod: route.method, authorization: "NONE" });
    this.permissions.allow(route.function.functionName, route.functionLabel, route.method, true);
    const integration = new ApiGatewayIntegration(this, `${name}-integration`, {
      restApiId: this.props.restApi.id,
      resourceId,
      httpMethod: method.httpMethod,
      type: "AWS_PROXY",
      integrationHttpMethod: "POST",
      uri: route.function.invokeArn,
    });
    this.parts.push(method, integration);
    this.shape.push(method.id, method.authorization, integration.id, integration.uri, integration.type);
  }

  private addRoute(route: ApiRoute): void {
    const { restApi, authorizer } = this.props;
    const name = `${route.method.toLowerCase()}${this.idOf(route.path)}`;
    const resourceId = this.resourceFor(route.path);
    const requestParameters = Object.keys(route.requestParameters).length > 0
      ? Object.fromEntries(Object.entries(route.requestParameters).map(([name, required]) => [terraformLiteral(name), required]))
      : undefined;
    const method = new ApiGatewayMethod(this, `${name}-method`, {
      restApiId: restApi.id,
      resourceId,
      httpMethod: route.method,
      authorization: "CUSTOM",
      authorizerId: authorizer.id,
      requestParameters,
    });
    const integration = route.backend.kind === "handler"
      ? this.handlerIntegration(name, route, resourceId, method)
      : this.userIntegration(name, route, route.backend.integration, resourceId, method);
    this.parts.push(method, integration);
    this.shape.push(method.id, method.authorization, method.authorizerId, integration.id, integration.uri, integration.type);
  }

  private handlerIntegration(name: string, route: ApiRoute, resourceId: string, method: ApiGatewayMethod): ApiGatewayIntegration {
    const handler = route.backend.kind === "handler" ? route.backend.handler : "";
    const fn = this.props.handlerFunctions[handler];
    if (!fn) throw new Error(`ApiRoutes: no function for x-cbat-handler "${handler}" (${route.method} ${route.path})`);
    this.permissions.allow(fn.functionName, `${this.props.namePrefix}-${handler}`, route.method, true);
    return new ApiGatewayIntegration(this, `${name}-integration`, {
      restApiId: this.props.restApi.id,
      resourceId,
      httpMethod: method.httpMethod,
      type: "AWS_PROXY",
      integrationHttpMethod: "POST",
      uri: fn.invokeArn,
    });
  }

  /** The document's integration, field for field. */
  private userIntegration(name: string, route: ApiRoute, spec: ApiIntegration, resourceId: string, method: ApiGatewayMethod): ApiGatewayIntegration {
    const lambdaArn = spec.type === "AWS_PROXY" && spec.uri ? lambdaArnOfInvokeUri(spec.uri) : undefined;
    // With integration credentials API Gateway calls as that role; otherwise the function must allow it.
    if (lambdaArn && !spec.credentials) this.permissions.allow(lambdaArn, lambdaArn, route.method, false);
    const onMethod = { restApiId: this.props.restApi.id, resourceId, httpMethod: method.httpMethod };
    const integration = new ApiGatewayIntegration(this, `${name}-integration`, {
      ...onMethod,
      type: spec.type,
      integrationHttpMethod: spec.httpMethod,
      uri: spec.uri === undefined ? undefined : terraformLiteral(spec.uri),
      connectionType: spec.connectionType,
      connectionId: spec.connectionId === undefined ? undefined : terraformLiteral(spec.connectionId),
      credentials: spec.credentials === undefined ? undefined : terraformLiteral(spec.credentials),
      requestParameters: spec.requestParameters ? terraformLiteralMap(spec.requestParameters) : undefined,
      requestTemplates: spec.requestTemplates ? terraformLiteralMap(spec.requestTemplates) : undefined,
      passthroughBehavior: spec.passthroughBehavior,
      contentHandling: spec.contentHandling,
      timeoutMilliseconds: spec.timeoutInMillis,
      cacheNamespace: spec.cacheNamespace === undefined ? undefined : terraformLiteral(spec.cacheNamespace),
      cacheKeyParameters: spec.cacheKeyParameters?.map(terraformLiteral),
      tlsConfig: spec.tlsConfig ? { insecureSkipVerification: spec.tlsConfig.insecureSkipVerification } : undefined,
    });
    // One method response per status code, whatever number of selection patterns lead to it.
    const headersByStatus = new Map<string, Set<string>>();
    for (const response of spec.responses ?? []) {
      const headers = headersByStatus.get(response.statusCode) ?? new Set<string>();
      for (const header of Object.keys(response.responseParameters ?? {})) headers.add(header);
      headersByStatus.set(response.statusCode, headers);
    }
    const methodResponses = new Map([...headersByStatus].map(([statusCode, headers]) => [statusCode, new ApiGatewayMethodResponse(this, `${name}-response-${statusCode}`, {
      ...onMethod,
      statusCode,
      responseParameters: headers.size > 0 ? Object.fromEntries([...headers].map((header) => [terraformLiteral(header), false])) : undefined,
    })]));
    (spec.responses ?? []).forEach((response, index) => {
      const methodResponse = methodResponses.get(response.statusCode)!;
      const integrationResponse = new ApiGatewayIntegrationResponse(this, `${name}-integration-response-${index}`, {
        ...onMethod,
        statusCode: methodResponse.statusCode,
        selectionPattern: response.selectionPattern === undefined ? undefined : terraformLiteral(response.selectionPattern),
        responseParameters: response.responseParameters ? terraformLiteralMap(response.responseParameters) : undefined,
        responseTemplates: response.responseTemplates ? terraformLiteralMap(response.responseTemplates) : undefined,
        contentHandling: response.contentHandling,
        dependsOn: [integration],
      });
      this.parts.push(methodResponse, integrationResponse);
      this.shape.push(integrationResponse.id);
    });
    return integration;
  }

  /** The resource of a path, creating its parents first; "/" is the API's root resource. */
  private resourceFor(path: string): string {
    if (path === "/") return this.props.restApi.rootResourceId;
    const existing = this.resources.get(path);
    if (existing) return existing;
    const cut = path.lastIndexOf("/");
    const parentId = this.resourceFor(cut === 0 ? "/" : path.slice(0, cut));
    const resource = new ApiGatewayResource(this, `resource${this.idOf(path)}`, {
      restApiId: this.props.restApi.id,
      parentId,
      pathPart: path.slice(cut + 1),
    });
    this.resources.set(path, resource.id);
    this.parts.push(resource);
    this.shape.push(resource.id, resource.pathPart);
    return resource.id;
  }

  /** A readable construct id for a path, unique even when two paths read alike. */
  private idOf(path: string): string {
    const known = this.ids.get(path);
    if (known) return known;
    const base = path === "/" ? "-root" : path.replace(/[{}+]/g, "").replace(/[^A-Za-z0-9]+/g, "-").replace(/-+$/, "");
    let id = base;
    for (let n = 2; [...this.ids.values()].includes(id); n++) id = `${base}-${n}`;
    this.ids.set(path, id);
    return id;
  }
}
