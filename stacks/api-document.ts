/**
 * The API document: the one module that reads and validates the OpenAPI 3.0 document a team
 * puts behind the certificate binding, and turns it into the route table that synth
 * (stacks/), `npm run local` (through the synthesized stack) and `plan:summary` use.
 *
 * Every operation is protected by the certificate-bound authorizer; its required scopes are
 * the list under the `certificateBound` security scheme; its backend is exactly one of
 * `x-cbat-handler` (a function bundled from handlers/<name>.ts) or a user-written
 * `x-amazon-apigateway-integration`. Errors name the file, the line, the path and method.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { hasPrebuiltBundle, PACKAGE_HANDLERS_DIR } from "./package-layout";
import { ApiDocumentError } from "./api-document-error";
import { checkIntegrationMappings, parseIntegration, type ApiIntegration } from "./api-integration";
import { checkResourceServerIdentifier, checkScopes, DEFAULT_RESOURCE_SERVER, SECURITY_SCHEME } from "./api-scopes";
import { parseText, type At } from "./api-document-text";
import { checkPath, checkVariableNames, requestParametersOf } from "./api-paths";
import { throttleField, type ApiThrottle } from "./api-throttle";
import type { QuotaSettings } from "./quota-settings";
import { AWS_QUOTAS, quotaMessage } from "./aws-quotas";

export { SECURITY_SCHEME } from "./api-scopes";
export { ApiDocumentError } from "./api-document-error";

/** Methods API Gateway REST APIs route (OpenAPI's `trace` is not one of them). */
export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch"] as const;
export type HttpMethod = Uppercase<(typeof HTTP_METHODS)[number]>;

/** OpenAPI 3.0's fixed fields of a path item and of an operation. */
const PATH_ITEM_FIELDS = new Set(["summary", "description", "servers", "parameters", ...HTTP_METHODS]);
const OPERATION_FIELDS = new Set(["tags", "summary", "description", "externalDocs", "operationId", "parameters", "requestBody", "responses", "callbacks", "deprecated", "security", "servers"]);

/** Handlers that are part of the binding machinery, never an API backend. */
const RESERVED_HANDLERS = new Set(["authorizer", "pre-token-generation"]);
const HANDLER_NAME = /^[a-z][a-z0-9-]{0,39}$/;

export type ApiBackend =
  | { readonly kind: "handler"; readonly handler: string }
  | { readonly kind: "integration"; readonly integration: ApiIntegration };

export interface ApiRoute {
  readonly method: HttpMethod;
  /** Resource path template as API Gateway sees it, e.g. `/accounts/{id}`. */
  readonly path: string;
  readonly operationId?: string;
  /** Scopes the access token must all carry; empty = the binding alone. */
  readonly scopes: readonly string[];
  readonly backend: ApiBackend;
  /** Method request parameters, e.g. `method.request.path.id` → required. */
  readonly requestParameters: Readonly<Record<string, boolean>>;
  /** `x-cbat-throttle`: this method's own limits; absent = the stage-wide ones. */
  readonly throttle?: ApiThrottle;
}

export interface ApiDefinition {
  /** The document's file, or "built-in". */
  readonly source: string;
  readonly title: string;
  readonly routes: readonly ApiRoute[];
  /** Cognito group → scopes that users of that group get in their access tokens. */
  readonly groupScopes: Readonly<Record<string, readonly string[]>>;
  /**
   * Identifier of the Cognito resource server (`api.resourceServer`): custom scopes, the only
   * kind machine clients can be granted, are `<identifier>/<name>` in tokens and in the document.
   */
  readonly resourceServer: string;
  /** `api.quotas`: the account's raised AWS quotas (stacks/quota-settings.ts). @default AWS's defaults */
  readonly quotas?: QuotaSettings;
  /**
   * `api.localIntegrations`: route key → the backend URI `npm run local` calls instead of the
   * document's (stacks/local-integrations.ts). A stack bound for AWS never uses them.
   */
  readonly localIntegrations?: Readonly<Record<string, string>>;
  /**
   * Folder (absolute) where the document's `x-cbat-handler` names are `<name>.ts` (`api.handlersDir`).
   * @default the package's own handlers (the built-in API's example)
   */
  readonly handlersDir?: string;
}


/** Today's API, used when `api.openapi` is absent: `GET /example` → the example handler, no scope. */
export const BUILT_IN_DOCUMENT = {
  openapi: "3.0.3",
  info: { title: "Certificate-bound example API", version: "1.0.0" },
  paths: { "/example": { get: { operationId: "getExample", "x-cbat-handler": "example" } } },
};

/** `GET /accounts/{id}`: the key of a route in the authorizer's scope table and in plan reviews. */
export function routeKey(route: { readonly method: string; readonly path: string }): string {
  return `${route.method} ${route.path}`;
}

/** One line a reviewer reads: what serves the route. */
export function describeBackend(backend: ApiBackend): string {
  if (backend.kind === "handler") return `handler ${backend.handler}`;
  const { type, uri } = backend.integration;
  return uri ? `${type} ${uri}` : type;
}

export interface LoadApiOptions {
  /** Where `x-cbat-handler` names are looked up. @default the package's handlers (the built-in example) */
  readonly handlersDir?: string;
  /** `api.resourceServer`. @default "cbat" (DEFAULT_RESOURCE_SERVER) */
  readonly resourceServer?: string;
}

/** Reads and validates a document file (YAML or JSON). */
export function loadApiDocument(file: string, groupScopes: Readonly<Record<string, readonly string[]>> = {}, options: LoadApiOptions = {}): ApiDefinition {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ApiDocumentError(`${file}: cannot read the API document (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); api.openapi is relative to the config file`);
  }
  return parseApiDocument(text, file, groupScopes, options);
}

/** The built-in document's definition. */
export function builtInApi(groupScopes: Readonly<Record<string, readonly string[]>> = {}, options: Pick<LoadApiOptions, "resourceServer"> = {}): ApiDefinition {
  return parseApiDocument(JSON.stringify(BUILT_IN_DOCUMENT), "built-in", groupScopes, options);
}

export function parseApiDocument(text: string, source: string, groupScopes: Readonly<Record<string, readonly string[]>> = {}, options: LoadApiOptions = {}): ApiDefinition {
  const { root, at } = parseText(text, source);
  if (!isObject(root)) throw new ApiDocumentError(`${source}: an OpenAPI document must be an object with "openapi", "info" and "paths"`);
  if (typeof root.openapi !== "string" || !/^3\.0\.\d+$/.test(root.openapi)) {
    throw new ApiDocumentError(`${at(["openapi"])}: "openapi" is ${JSON.stringify(root.openapi ?? null)}; this stack reads OpenAPI 3.0.x documents (e.g. "openapi": "3.0.3")`);
  }
  if (!isObject(root.paths) || Object.keys(root.paths).length === 0) {
    throw new ApiDocumentError(`${at(["paths"])}: "paths" must list at least one path`);
  }
  const handlersDir = options.handlersDir === undefined ? undefined : resolve(options.handlersDir);
  const routes = readRoutes(root, at, handlersDir ?? PACKAGE_HANDLERS_DIR);
  return {
    source,
    title: isObject(root.info) && typeof root.info.title === "string" ? root.info.title : "API",
    routes,
    groupScopes: checkGroupScopes(groupScopes),
    resourceServer: checkResourceServerIdentifier(options.resourceServer ?? DEFAULT_RESOURCE_SERVER, "api.resourceServer"),
    ...(handlersDir === undefined ? {} : { handlersDir }),
  };
}

function readRoutes(root: Record<string, unknown>, at: At, handlersDir: string): ApiRoute[] {
  const paths = root.paths as Record<string, unknown>;
  const routes: ApiRoute[] = [];
  const seenRoutes = new Map<string, string>();
  const seenOperationIds = new Map<string, string>();
  const variableAtLevel = new Map<string, string>();
  for (const [path, item] of Object.entries(paths)) {
    const templateVariables = located(at, ["paths", path], () => checkPath(path));
    if (!isObject(item)) throw new ApiDocumentError(`${at(["paths", path])}: path ${path} must be an object of operations`);
    if ("$ref" in item) throw new ApiDocumentError(`${at(["paths", path])}: path ${path}: "$ref" path items are not supported; write the operations inline`);
    for (const key of Object.keys(item)) {
      if (key === "trace" || key === "x-amazon-apigateway-any-method") {
        throw new ApiDocumentError(`${at(["paths", path, key])}: ${key} ${path}: API Gateway REST APIs here route ${HTTP_METHODS.join(", ")}; list the methods one by one`);
      }
      // A misspelt or upper-case field would be dropped in silence (e.g. "GET:" or "Security:").
      if (!PATH_ITEM_FIELDS.has(key) && !key.startsWith("x-")) {
        throw new ApiDocumentError(`${at(["paths", path, key])}: path ${path}: unknown field "${key}" (OpenAPI 3.0 path items take ${[...PATH_ITEM_FIELDS].join(", ")} and x-… extensions; methods are lower case)`);
      }
    }
    for (const lower of HTTP_METHODS) {
      const operation = item[lower];
      if (operation === undefined) continue;
      const method = lower.toUpperCase() as HttpMethod;
      const where = `${method} ${path}`;
      routes.push(located(at, ["paths", path, lower], (): ApiRoute => {
        if (!isObject(operation)) throw new ApiDocumentError(`${where}: the operation must be an object`);
        const unknown = Object.keys(operation).find((key) => !OPERATION_FIELDS.has(key) && !key.startsWith("x-"));
        if (unknown !== undefined) throw new ApiDocumentError(`${where}: unknown field "${unknown}" (OpenAPI 3.0 operations take ${[...OPERATION_FIELDS].join(", ")} and x-… extensions)`);
        const normalized = `${method} ${path.replace(/\{[^}]*\}/g, "{}")}`;
        const previous = seenRoutes.get(normalized);
        if (previous) throw new ApiDocumentError(`${where}: duplicate operation (same route as ${previous})`);
        seenRoutes.set(normalized, where);
        const operationId = operation.operationId;
        if (operationId !== undefined) {
          if (typeof operationId !== "string" || operationId === "") throw new ApiDocumentError(`${where}: operationId must be a non-empty string`);
          const other = seenOperationIds.get(operationId);
          if (other) throw new ApiDocumentError(`${where}: duplicate operationId "${operationId}" (also ${other})`);
          seenOperationIds.set(operationId, where);
        }
        const backend = backendOf(operation, where, handlersDir);
        const requestParameters = requestParametersOf(root, item.parameters, operation.parameters, templateVariables, where);
        if (backend.kind === "integration") checkIntegrationMappings(backend.integration, requestParameters, where);
        return {
          method,
          path,
          operationId: operationId as string | undefined,
          scopes: requiredScopes(operation.security, root.security, where),
          backend,
          requestParameters,
          ...throttleField(operation, path, where),
        };
      }));
    }
    located(at, ["paths", path], () => checkVariableNames(path, variableAtLevel));
  }
  if (routes.length === 0) throw new ApiDocumentError(`${at(["paths"])}: no operation under "paths" (expected ${HTTP_METHODS.join(", ")})`);
  return routes.sort((a, b) => (a.path === b.path ? a.method.localeCompare(b.method) : a.path < b.path ? -1 : 1));
}

/** Runs a check; its error gets the "file:line" of the node it concerns (looked up only then). */
function located<T>(at: At, keys: readonly string[], check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof ApiDocumentError) throw new ApiDocumentError(`${at(keys)}: ${error.message}`);
    throw error;
  }
}

/**
 * The scopes under `certificateBound` of the operation's `security`, else the document's.
 * `security: []` is an explicit opt-out of authorization: refused, since nothing reaches a
 * backend here without a bound token. Other schemes cannot be enforced by this stack.
 */
function requiredScopes(operationSecurity: unknown, documentSecurity: unknown, where: string): string[] {
  const fromOperation = operationSecurity !== undefined;
  const security = fromOperation ? operationSecurity : documentSecurity;
  const origin = fromOperation ? "its security" : "the document's top-level security";
  if (security === undefined) return [];
  if (!Array.isArray(security)) throw new ApiDocumentError(`${where}: ${origin} must be a list of security requirements`);
  if (security.length === 0) {
    throw new ApiDocumentError(`${where}: ${origin} is [] (an explicit opt-out); every operation is protected by the certificate-bound authorizer, so remove it or list scopes under ${SECURITY_SCHEME}`);
  }
  const alternatives = security.filter((requirement) => isObject(requirement) && SECURITY_SCHEME in requirement);
  for (const requirement of security) {
    if (!isObject(requirement)) throw new ApiDocumentError(`${where}: ${origin}: each requirement must be an object such as {"${SECURITY_SCHEME}": ["accounts:read"]}`);
    if (Object.keys(requirement).length === 0) {
      throw new ApiDocumentError(`${where}: ${origin} lists {} (OpenAPI's "no authorization" alternative); every operation is protected by the certificate-bound authorizer, so remove it and list scopes under ${SECURITY_SCHEME}`);
    }
    const other = Object.keys(requirement).find((name) => name !== SECURITY_SCHEME);
    if (other !== undefined) {
      throw new ApiDocumentError(`${where}: ${origin} names the security scheme "${other}", which this stack cannot enforce; use only "${SECURITY_SCHEME}" (its scopes are checked by the authorizer)`);
    }
  }
  if (alternatives.length > 1) {
    throw new ApiDocumentError(`${where}: ${origin} lists ${SECURITY_SCHEME} ${alternatives.length} times (alternatives); list all required scopes in one entry`);
  }
  return checkScopes((alternatives[0] as Record<string, unknown>)[SECURITY_SCHEME], `${where}: ${SECURITY_SCHEME} scopes`, true);
}

function backendOf(operation: Record<string, unknown>, where: string, handlersDir: string): ApiBackend {
  const handler = operation["x-cbat-handler"];
  const integration = operation["x-amazon-apigateway-integration"];
  if ((handler === undefined) === (integration === undefined)) {
    throw new ApiDocumentError(`${where}: set exactly one backend: x-cbat-handler (a function in handlers/) or x-amazon-apigateway-integration (${handler === undefined ? "found neither" : "found both"})`);
  }
  if (integration !== undefined) return { kind: "integration", integration: parseIntegration(integration, `${where}: x-amazon-apigateway-integration`) };
  if (typeof handler !== "string" || !HANDLER_NAME.test(handler) || RESERVED_HANDLERS.has(handler)) {
    throw new ApiDocumentError(`${where}: x-cbat-handler ${JSON.stringify(handler)} must name a file handlers/<name>.ts (lowercase letters, digits, '-'; not ${[...RESERVED_HANDLERS].join(" or ")})`);
  }
  const file = join(handlersDir, `${handler}.ts`);
  const prebuilt = handlersDir === PACKAGE_HANDLERS_DIR && hasPrebuiltBundle(handler);
  if (!existsSync(file) && !prebuilt) throw new ApiDocumentError(`${where}: x-cbat-handler "${handler}": ${file} does not exist (it must export \`handler\`)`);
  return { kind: "handler", handler };
}

/** Group names as Cognito accepts them; scopes as RFC 6749 scope-tokens. */
function checkGroupScopes(groupScopes: Readonly<Record<string, readonly string[]>>): Record<string, readonly string[]> {
  const result: Record<string, readonly string[]> = {};
  const groups = Object.keys(groupScopes).length;
  if (groups > AWS_QUOTAS.cognitoGroupsPerPool.value) throw new ApiDocumentError(quotaMessage("cognitoGroupsPerPool", "api.groupScopes", groups));
  for (const [group, scopes] of Object.entries(groupScopes)) {
    if (!/^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u.test(group)) {
      throw new ApiDocumentError(`api.groupScopes: group name ${JSON.stringify(group)} is one Cognito refuses: 1-128 letters, digits, symbols or punctuation, no spaces`);
    }
    // An object key that JavaScript objects cannot hold as data: it would vanish from the table silently.
    if (group === "__proto__") throw new ApiDocumentError(`api.groupScopes: group name "__proto__" is not supported (it cannot be a key of the trigger's table); rename the Cognito group`);
    result[group] = checkScopes(scopes, `api.groupScopes["${group}"]`);
  }
  return result;
}

/** A stable digest of everything that shapes the API: the deployment is replaced when it changes. */
export function apiDigest(api: ApiDefinition): string {
  return createHash("sha256").update(JSON.stringify(api.routes)).digest("hex");
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
