/**
 * `api.localIntegrations` in cbat.config.json: the backend URI an HTTP integration calls under
 * `npm run local`, by operation, so one API document serves a backend on this machine locally
 * and its https:// one on AWS:
 *
 *     "api": { "openapi": "api/openapi.yaml",
 *              "localIntegrations": { "getRates": "http://127.0.0.1:8081/v1/rates/{currency}" } }
 *
 * Keys are an operationId or "METHOD /path" as the document writes it; values replace the
 * integration's `uri` only (method, mappings and the rest stay the document's). Only the local
 * run applies them (`localRun`); a stack bound for AWS ignores them and keeps the document's URI.
 */
import { routeKey, type ApiDefinition, type ApiRoute } from "./api-document";
import { ApiDocumentError } from "./api-document-error";
import { checkHttpUri, checkIntegrationMappings } from "./api-integration";
import { DeploymentConfigError } from "./deployment-config-error";
import { checkReachableBackends, routeLabel } from "./backend-hosts";

/** Reads and checks the section against the document's routes: returns route key → local URI. */
export function parseLocalIntegrations(section: unknown, routes: readonly ApiRoute[], setting: string): Readonly<Record<string, string>> {
  if (section === null || typeof section !== "object" || Array.isArray(section)) {
    throw new DeploymentConfigError(setting, 'must map an operationId or "METHOD /path" to the URI npm run local calls, e.g. {"getRates": "http://127.0.0.1:8081/v1/rates"}');
  }
  const result: Record<string, string> = {};
  for (const [key, uri] of Object.entries(section)) {
    const at = `${setting}["${key}"]`;
    const route = routes.find((r) => r.operationId === key) ?? routes.find((r) => routeKey(r) === normalizedRouteKey(key));
    if (!route) {
      const known = routes.map((r) => r.operationId ?? routeKey(r));
      throw new DeploymentConfigError(at, `names no operation of the API document (by operationId or "METHOD /path"); it has ${known.slice(0, 10).join(", ")}${known.length > 10 ? `, and ${known.length - 10} more` : ""}`);
    }
    const integration = route.backend.kind === "integration" ? route.backend.integration : undefined;
    if (!integration || (integration.type !== "HTTP" && integration.type !== "HTTP_PROXY")) {
      throw new DeploymentConfigError(at, `${routeLabel(route)} is served by ${integration ? `a ${integration.type.toLowerCase()} integration` : `x-cbat-handler ${(route.backend as { handler: string }).handler}`}; only http and http_proxy integrations have a backend URI to override locally`);
    }
    if (routeKey(route) in result) throw new DeploymentConfigError(at, `${routeLabel(route)} is listed twice (by operationId and by "METHOD /path"); keep one`);
    if (typeof uri !== "string" || uri === "") throw new DeploymentConfigError(at, 'must be the backend URI for npm run local, e.g. "http://127.0.0.1:8081/v1/rates"');
    try {
      checkHttpUri(uri, "the URI");
      checkIntegrationMappings({ ...integration, uri }, route.requestParameters, routeLabel(route));
    } catch (error) {
      if (error instanceof ApiDocumentError) throw new DeploymentConfigError(at, error.message);
      throw error;
    }
    result[routeKey(route)] = uri;
  }
  return result;
}

/** The API a stack serves: for `npm run local` with its local URIs; for AWS checked that AWS can reach every backend. */
export function apiToServe(api: ApiDefinition, localRun: boolean): ApiDefinition {
  if (localRun) return withLocalIntegrations(api);
  checkReachableBackends(api);
  return api;
}

/** The API as `npm run local` serves it: each overridden integration with its local URI. */
export function withLocalIntegrations(api: ApiDefinition): ApiDefinition {
  const local = api.localIntegrations ?? {};
  if (Object.keys(local).length === 0) return api;
  return {
    ...api,
    routes: api.routes.map((route) => {
      const uri = local[routeKey(route)];
      if (uri === undefined || route.backend.kind !== "integration") return route;
      return { ...route, backend: { kind: "integration", integration: { ...route.backend.integration, uri } } };
    }),
  };
}

/** "get /rates" → "GET /rates": the method as the route table writes it. */
function normalizedRouteKey(key: string): string {
  const match = /^([A-Za-z]+)\s+(\/.*)$/.exec(key.trim());
  return match ? `${match[1].toUpperCase()} ${match[2]}` : key;
}
