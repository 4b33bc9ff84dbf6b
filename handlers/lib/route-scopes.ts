/**
 * Per-route OAuth scopes (RFC 6750 §3.1 insufficient_scope). The stack packages the API
 * document's table as route-scopes.json in the authorizer's zip (packaged-data.ts):
 * `{"<METHOD> <resource path>": ["scope", …]}`, keyed as
 * the REQUEST event's `httpMethod` and `resource` (the matched template, e.g.
 * `/accounts/{id}`), which API Gateway sets and the client cannot choose.
 */
import { AccessDeniedError } from "./errors";

export type RouteScopes = ReadonlyMap<string, readonly string[]>;

/**
 * The table from its JSON form.
 * @throws TypeError when it is not an object of string lists (the authorizer then refuses everything)
 */
export function parseRouteScopes(value: unknown): RouteScopes {
  const table = typeof value === "string" ? safeJson(value) : value;
  if (table === null || typeof table !== "object" || Array.isArray(table)) {
    throw new TypeError('route scopes must be an object such as {"GET /accounts/{id}": ["accounts:read"]}');
  }
  const routes = new Map<string, readonly string[]>();
  for (const [route, scopes] of Object.entries(table)) {
    if (!/^[A-Z]+ \/\S*$/.test(route) || !Array.isArray(scopes) || !scopes.every((s) => typeof s === "string" && s !== "")) {
      throw new TypeError(`route scopes: entry ${JSON.stringify(route.slice(0, 80))} must be "<METHOD> <path>": ["scope", …]`);
    }
    routes.set(route, Object.freeze([...scopes]));
  }
  return routes;
}

/**
 * The scopes the event's route requires.
 * @throws AccessDeniedError `route_unknown` for a route the table does not list: it must not
 * pass on the binding alone. Not `config_error`: after a route leaves the document, the stage's
 * previous deployment may still route calls to it for a while, and probes reach it too (403).
 */
export function requiredScopesOf(routes: RouteScopes, event: { readonly httpMethod?: unknown; readonly resource?: unknown }): readonly string[] {
  const scopes = typeof event.httpMethod === "string" && typeof event.resource === "string" ? routes.get(`${event.httpMethod} ${event.resource}`) : undefined;
  if (scopes === undefined) throw new AccessDeniedError("route_unknown");
  return scopes;
}

/** True when the space-separated `scope` claim carries every required scope. */
export function grantsScopes(scopeClaim: unknown, required: readonly string[]): boolean {
  if (required.length === 0) return true;
  return typeof scopeClaim === "string" && hasAll(new Set(scopeClaim.split(" ")), required);
}

/** The granted scopes of verified claims, split once per token (the verified-token cache keeps the claims object). */
const grantedByClaims = new WeakMap<object, ReadonlySet<string>>();

/** grantsScopes for a token's verified claims, without splitting its `scope` claim again on every call. */
export function claimsGrantScopes(claims: Readonly<Record<string, unknown>>, required: readonly string[]): boolean {
  if (required.length === 0) return true;
  let granted = grantedByClaims.get(claims);
  if (!granted) {
    granted = new Set(typeof claims.scope === "string" ? claims.scope.split(" ") : []);
    grantedByClaims.set(claims, granted);
  }
  return hasAll(granted, required);
}

function hasAll(granted: ReadonlySet<string>, required: readonly string[]): boolean {
  for (const scope of required) if (!granted.has(scope)) return false;
  return true;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
