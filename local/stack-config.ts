/**
 * Reads the synthesized stack (cdk.tf.json) as API Gateway would: the routes, the function
 * behind each, the authorizer (type, identity sources, result TTL, function) and the
 * gateway responses. The local gateway takes its whole behaviour from here.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export interface FunctionRef {
  /** Lambda function name, e.g. cert-bound-api-authorizer. */
  readonly functionName: string;
  /** Absolute path of the deployment package (the asset the stack would upload). */
  readonly zipPath: string;
  /** The function's environment variables as synthesized (Terraform references left as written). */
  readonly environment: Readonly<Record<string, string>>;
}

/** How a route reaches its backend (the method's integration). */
export interface IntegrationConfig {
  /** AWS_PROXY, HTTP_PROXY, HTTP, AWS or MOCK. */
  readonly type: string;
  /** The integration URI as written: a URL, or a Lambda invoke ARN of a function outside the stack. */
  readonly uri?: string;
  readonly httpMethod?: string;
  /** e.g. `integration.request.path.id` → `method.request.path.id` */
  readonly requestParameters: Readonly<Record<string, string>>;
  /** The stack's own function behind an AWS_PROXY integration. */
  readonly function?: FunctionRef;
}

export interface AuthorizerConfig {
  readonly type: string;
  /** e.g. ["method.request.header.Authorization"] */
  readonly identitySources: readonly string[];
  readonly resultTtlSeconds: number;
  readonly function: FunctionRef;
}

export interface RouteConfig {
  readonly httpMethod: string;
  /** Resource path template, e.g. /example or /accounts/{id} */
  readonly path: string;
  readonly authorization: string;
  readonly authorizer?: AuthorizerConfig;
  readonly integration: IntegrationConfig;
}

export interface GatewayResponseConfig {
  readonly statusCode?: number;
  /** Header name → value, from `gatewayresponse.header.<name>` = `'value'`. */
  readonly headers: Readonly<Record<string, string>>;
}

export interface LocalApiConfig {
  readonly stageName: string;
  readonly routes: readonly RouteConfig[];
  readonly gatewayResponses: Readonly<Record<string, GatewayResponseConfig>>;
  /** The function that is the user pool's pre token generation trigger. */
  readonly preTokenGeneration?: FunctionRef;
  /** The user pool's Cognito groups (`aws_cognito_user_group`). */
  readonly groups: readonly string[];
  /** The stage's `access_log_settings.format`; absent when the stage writes no access log. */
  readonly accessLogFormat?: string;
  /** Its `lambda_version`: V2_0 or V3_0 (Cognito's default without one is V1_0). */
  readonly preTokenGenerationVersion?: string;
  /** The user pool's resource server, when the stack has machine clients. */
  readonly resourceServer?: ResourceServerConfig;
}

export interface ResourceServerConfig {
  readonly identifier: string;
  /** Its custom scopes as tokens carry them: `<identifier>/<name>`. */
  readonly scopes: readonly string[];
}

/** A string as Terraform reads it: "$${" and "%%{" are the escaped "${" and "%{" (see stacks/terraform-literal.ts). */
function literal(text: string): string {
  return text.replace(/\$\$\{/g, () => "${").replace(/%%\{/g, () => "%{");
}

function literalMap(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([key, value]) => [literal(key), typeof value === "string" && !REFERENCE.test(value) ? literal(value) : value]));
}

type Resources = Record<string, Record<string, Record<string, any>>>;
const REFERENCE = /^\$\{([a-z0-9_]+)\.([^.}]+)\.([a-z0-9_]+)\}$/;

/** @throws Error naming the file and what is missing when the stack cannot be served locally. */
export function readStackConfig(stackJsonPath: string): LocalApiConfig {
  let json: { resource?: Resources };
  try {
    json = JSON.parse(readFileSync(stackJsonPath, "utf8"));
  } catch (error) {
    throw new Error(`${stackJsonPath}: cannot read the synthesized stack (${(error as Error).message}); run \`npm run synth\``);
  }
  const resources = json.resource ?? {};
  const stackDir = dirname(stackJsonPath);
  const fail = (what: string): never => {
    throw new Error(`${stackJsonPath}: ${what}`);
  };
  const deref = (value: unknown, type: string): Record<string, any> => {
    const match = typeof value === "string" ? REFERENCE.exec(value) : null;
    if (!match || match[1] !== type) return fail(`expected a reference to ${type}, found ${JSON.stringify(value)}`);
    return resources[type]?.[match[2]] ?? fail(`${type}.${match[2]} is referenced but not defined`);
  };
  const functionOf = (reference: unknown): FunctionRef => {
    const fn = deref(reference, "aws_lambda_function");
    return { functionName: fn.function_name, zipPath: join(stackDir, fn.filename), environment: literalMap(fn.environment?.variables ?? {}) };
  };
  const pathOf = (resourceRef: unknown): string => {
    if (typeof resourceRef === "string" && /\.root_resource_id\}$/.test(resourceRef)) return "";
    const resource = deref(resourceRef, "aws_api_gateway_resource");
    return `${pathOf(resource.parent_id)}/${resource.path_part}`;
  };

  const integrations = Object.values(resources.aws_api_gateway_integration ?? {});
  const routes = Object.entries(resources.aws_api_gateway_method ?? {}).map(([methodName, method]): RouteConfig => {
    // An integration names its method by reference (…method.<name>.http_method) or repeats resource and verb.
    const integration = integrations.find((i) => i.http_method === `\${aws_api_gateway_method.${methodName}.http_method}` || (i.resource_id === method.resource_id && i.http_method === method.http_method));
    if (!integration) fail(`method ${method.http_method} has no integration`);
    let authorizer: AuthorizerConfig | undefined;
    if (method.authorization === "CUSTOM") {
      const a = deref(method.authorizer_id, "aws_api_gateway_authorizer");
      authorizer = {
        type: a.type ?? "TOKEN",
        identitySources: String(a.identity_source ?? "method.request.header.Authorization").split(",").map((s) => s.trim()),
        resultTtlSeconds: a.authorizer_result_ttl_in_seconds ?? 300, // API Gateway's default when unset
        function: functionOf(a.authorizer_uri),
      };
    }
    return {
      httpMethod: method.http_method,
      path: pathOf(method.resource_id) || "/",
      authorization: method.authorization,
      authorizer,
      integration: {
        type: integration!.type,
        uri: REFERENCE.test(String(integration!.uri)) || integration!.uri === undefined ? undefined : literal(integration!.uri),
        httpMethod: integration!.integration_http_method,
        requestParameters: literalMap(integration!.request_parameters ?? {}),
        function: integration!.type === "AWS_PROXY" && REFERENCE.test(String(integration!.uri)) ? functionOf(integration!.uri) : undefined,
      },
    };
  });
  if (routes.length === 0) fail("no aws_api_gateway_method: nothing to serve");

  const gatewayResponses: Record<string, GatewayResponseConfig> = {};
  for (const response of Object.values(resources.aws_api_gateway_gateway_response ?? {})) {
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries<string>(response.response_parameters ?? {})) {
      const name = /^gatewayresponse\.header\.(.+)$/.exec(key)?.[1];
      if (name) headers[name] = String(value).replace(/^'(.*)'$/s, "$1");
    }
    gatewayResponses[response.response_type] = { statusCode: response.status_code ? Number(response.status_code) : undefined, headers };
  }

  const stage = Object.values(resources.aws_api_gateway_stage ?? {})[0];
  const pool = Object.values(resources.aws_cognito_user_pool ?? {})[0];
  const trigger = pool?.lambda_config?.pre_token_generation_config;
  const server = Object.values(resources.aws_cognito_resource_server ?? {})[0];
  return {
    stageName: stage?.stage_name ?? "prod",
    routes,
    gatewayResponses,
    preTokenGeneration: trigger ? functionOf(trigger.lambda_arn) : undefined,
    groups: Object.values(resources.aws_cognito_user_group ?? {}).map((group) => literal(String(group.name))).sort(),
    accessLogFormat: typeof stage?.access_log_settings?.format === "string" ? stage.access_log_settings.format : undefined,
    preTokenGenerationVersion: trigger?.lambda_version,
    resourceServer: server ? { identifier: literal(server.identifier), scopes: [server.scope ?? []].flat().map((scope: { scope_name: string }) => literal(`${server.identifier}/${scope.scope_name}`)) } : undefined,
  };
}
