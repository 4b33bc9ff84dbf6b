/**
 * A user-written `x-amazon-apigateway-integration` (API Gateway's OpenAPI extension), checked
 * and kept field for field: the stack passes it to `aws_api_gateway_integration` unchanged.
 * Fields of HTTP APIs or unknown fields are refused rather than silently dropped.
 */
import { ApiDocumentError } from "./api-document-error";
import { isDevelopmentHost } from "./host-ranges";
import { AUTHORIZER_MAPPING_FIELDS } from "../handlers/lib/authorizer-context";

export const INTEGRATION_TYPES = ["HTTP", "HTTP_PROXY", "AWS", "AWS_PROXY", "MOCK"] as const;
export type IntegrationType = (typeof INTEGRATION_TYPES)[number];

export interface ApiIntegrationResponse {
  /** Regular expression on the backend's status or error; absent for the `default` response. */
  readonly selectionPattern?: string;
  readonly statusCode: string;
  readonly responseParameters?: Readonly<Record<string, string>>;
  readonly responseTemplates?: Readonly<Record<string, string>>;
  readonly contentHandling?: string;
}

export interface ApiIntegration {
  readonly type: IntegrationType;
  readonly httpMethod?: string;
  readonly uri?: string;
  readonly connectionType?: string;
  readonly connectionId?: string;
  readonly credentials?: string;
  readonly requestParameters?: Readonly<Record<string, string>>;
  readonly requestTemplates?: Readonly<Record<string, string>>;
  readonly passthroughBehavior?: string;
  readonly contentHandling?: string;
  readonly timeoutInMillis?: number;
  readonly cacheNamespace?: string;
  readonly cacheKeyParameters?: readonly string[];
  readonly tlsConfig?: { readonly insecureSkipVerification?: boolean };
  readonly responses?: readonly ApiIntegrationResponse[];
}

const FIELDS = new Set([
  "type", "httpMethod", "uri", "connectionType", "connectionId", "credentials", "requestParameters", "requestTemplates",
  "passthroughBehavior", "contentHandling", "timeoutInMillis", "cacheNamespace", "cacheKeyParameters", "tlsConfig", "responses",
]);
const INTEGRATION_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "ANY"];
/** `arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations` */
const LAMBDA_INVOKE_URI = /^arn:aws[a-z-]*:apigateway:[a-z0-9-]+:lambda:path\/2015-03-31\/functions\/(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(?::[A-Za-z0-9$_-]{1,128})?)\/invocations$/;

/** The function ARN behind an AWS_PROXY Lambda integration URI, or undefined. */
export function lambdaArnOfInvokeUri(uri: string): string | undefined {
  return LAMBDA_INVOKE_URI.exec(uri)?.[1];
}

export function parseIntegration(value: unknown, where: string): ApiIntegration {
  if (!isRecord(value)) throw new ApiDocumentError(`${where}: must be an object such as {"type": "http_proxy", "httpMethod": "GET", "uri": "https://backend.example.com/"}`);
  const unknown = Object.keys(value).filter((key) => !FIELDS.has(key));
  if (unknown.length > 0) throw new ApiDocumentError(`${where}: unsupported field(s) ${unknown.join(", ")}; REST API integrations take ${[...FIELDS].join(", ")}`);
  const text = (key: string, allowed?: readonly string[]): string | undefined => {
    const v = value[key];
    if (v === undefined) return undefined;
    if (typeof v !== "string" || v === "") throw new ApiDocumentError(`${where}: ${key} must be a non-empty string`);
    if (allowed && !allowed.includes(v.toUpperCase())) throw new ApiDocumentError(`${where}: ${key} ${JSON.stringify(v)} must be one of ${allowed.join(", ")}`);
    return allowed ? v.toUpperCase() : v;
  };
  const type = text("type", INTEGRATION_TYPES) as IntegrationType | undefined;
  if (!type) throw new ApiDocumentError(`${where}: type is required (${INTEGRATION_TYPES.map((t) => t.toLowerCase()).join(", ")})`);
  const httpMethod = text("httpMethod", INTEGRATION_METHODS);
  const uri = text("uri");
  if (type !== "MOCK" && (!uri || !httpMethod)) throw new ApiDocumentError(`${where}: a ${type.toLowerCase()} integration needs uri and httpMethod`);
  if (type === "AWS_PROXY") {
    if (!lambdaArnOfInvokeUri(uri!)) throw new ApiDocumentError(`${where}: an aws_proxy uri must be a Lambda invoke ARN (arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations)`);
    if (httpMethod !== "POST") throw new ApiDocumentError(`${where}: httpMethod must be POST for a Lambda (aws_proxy) integration`);
  }
  if (type === "HTTP" || type === "HTTP_PROXY") checkHttpUri(uri!, `${where}: uri`);
  const connectionType = text("connectionType", ["INTERNET", "VPC_LINK"]);
  const connectionId = text("connectionId");
  if ((connectionType === "VPC_LINK") !== (connectionId !== undefined)) throw new ApiDocumentError(`${where}: connectionId is required with, and only with, connectionType vpc_link`);
  const timeoutInMillis = value.timeoutInMillis;
  if (timeoutInMillis !== undefined && !(Number.isInteger(timeoutInMillis) && (timeoutInMillis as number) >= 50 && (timeoutInMillis as number) <= 29000)) {
    throw new ApiDocumentError(`${where}: timeoutInMillis must be an integer from 50 to 29000`);
  }
  const tlsConfig = value.tlsConfig;
  if (tlsConfig !== undefined && !(isRecord(tlsConfig) && Object.keys(tlsConfig).every((k) => k === "insecureSkipVerification") && [undefined, true, false].includes(tlsConfig.insecureSkipVerification as boolean))) {
    throw new ApiDocumentError(`${where}: tlsConfig may only hold insecureSkipVerification (true or false)`);
  }
  const cacheKeyParameters = value.cacheKeyParameters;
  if (cacheKeyParameters !== undefined && !(Array.isArray(cacheKeyParameters) && cacheKeyParameters.every((p) => typeof p === "string"))) {
    throw new ApiDocumentError(`${where}: cacheKeyParameters must be a list of strings`);
  }
  return prune({
    type,
    httpMethod,
    uri,
    connectionType,
    connectionId,
    credentials: text("credentials"),
    requestParameters: stringMap(value.requestParameters, `${where}: requestParameters`),
    requestTemplates: stringMap(value.requestTemplates, `${where}: requestTemplates`),
    passthroughBehavior: text("passthroughBehavior", ["WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER"]),
    contentHandling: text("contentHandling", ["CONVERT_TO_BINARY", "CONVERT_TO_TEXT"]),
    timeoutInMillis: timeoutInMillis as number | undefined,
    cacheNamespace: text("cacheNamespace"),
    cacheKeyParameters: cacheKeyParameters as string[] | undefined,
    tlsConfig: tlsConfig as ApiIntegration["tlsConfig"],
    responses: responsesOf(value.responses, `${where}: responses`),
  });
}

/**
 * An HTTP backend's URI: https://, without user:password; plain http:// only to a loopback or
 * private-range literal host, for npm run local (a stack bound for AWS refuses those hosts:
 * stacks/backend-hosts.ts).
 */
export function checkHttpUri(uri: string, where: string): void {
  let url: URL | undefined;
  try {
    url = new URL(uri);
  } catch {
    url = undefined;
  }
  // Credentials in a URI would end up in the plan, its PR comment and the api_routes output.
  const acceptable = url !== undefined && url.username === "" && url.password === ""
    && (url.protocol === "https:" || (url.protocol === "http:" && isDevelopmentHost(url.hostname)));
  if (!acceptable) {
    throw new ApiDocumentError(`${where} ${JSON.stringify(uri)} must be an https:// URL without user:password (plain http:// only to a loopback or private-range host, for npm run local)`);
  }
}

/**
 * What API Gateway checks when the integration is created, checked at synth instead: every
 * `{variable}` of an http(s) URI is mapped from the method request, and every mapping reads
 * a parameter the operation declares (path variables, query and header parameters). Also that
 * a `context.authorizer.*` mapping names a field the authorizer sets: another would stay empty.
 */
export function checkIntegrationMappings(integration: ApiIntegration, declared: Readonly<Record<string, boolean>>, where: string): void {
  const mappings = integration.requestParameters ?? {};
  if ((integration.type === "HTTP" || integration.type === "HTTP_PROXY") && integration.uri) {
    for (const [, variable] of integration.uri.matchAll(/\{([^}]+)\}/g)) {
      if (!mappings[`integration.request.path.${variable}`]) {
        throw new ApiDocumentError(`${where}: x-amazon-apigateway-integration: the uri's {${variable}} needs requestParameters "integration.request.path.${variable}": "method.request.path.<variable>"`);
      }
    }
  }
  for (const [target, source] of Object.entries(mappings)) {
    const field = /^context\.authorizer\.(.+)$/.exec(source)?.[1];
    if (field !== undefined && !AUTHORIZER_MAPPING_FIELDS.includes(field)) {
      throw new ApiDocumentError(`${where}: x-amazon-apigateway-integration: requestParameters "${target}" reads ${source}, which the authorizer does not set; it sets ${AUTHORIZER_MAPPING_FIELDS.map((f) => `context.authorizer.${f}`).join(", ")}`);
    }
    const parameter = /^method\.request\.(path|querystring|header)\.(.+)$/.exec(source);
    if (parameter && !(source in declared)) {
      throw new ApiDocumentError(`${where}: x-amazon-apigateway-integration: requestParameters "${target}" reads ${source}, which the operation does not declare (add it to parameters, or to the path as {${parameter[2]}})`);
    }
  }
}

function responsesOf(value: unknown, where: string): ApiIntegrationResponse[] | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) throw new ApiDocumentError(`${where}: must map a selection pattern (or "default") to {statusCode, ...}`);
  return Object.entries(value).map(([pattern, response]) => {
    const at = `${where}["${pattern}"]`;
    if (!isRecord(response) || typeof response.statusCode !== "string" || !/^[1-5]\d\d$/.test(response.statusCode)) {
      throw new ApiDocumentError(`${at}: needs a statusCode such as "200"`);
    }
    const extra = Object.keys(response).filter((k) => !["statusCode", "responseParameters", "responseTemplates", "contentHandling"].includes(k));
    if (extra.length > 0) throw new ApiDocumentError(`${at}: unsupported field(s) ${extra.join(", ")}`);
    return prune({
      selectionPattern: pattern === "default" ? undefined : pattern,
      statusCode: response.statusCode,
      responseParameters: stringMap(response.responseParameters, `${at}: responseParameters`),
      responseTemplates: stringMap(response.responseTemplates, `${at}: responseTemplates`),
      contentHandling: typeof response.contentHandling === "string" ? response.contentHandling.toUpperCase() : undefined,
    });
  });
}

function stringMap(value: unknown, where: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value) || !Object.values(value).every((v) => typeof v === "string")) throw new ApiDocumentError(`${where}: must map names to strings`);
  return value as Record<string, string>;
}

/** Drops absent fields so the definition (and its digest) holds only what the document says. */
function prune<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
