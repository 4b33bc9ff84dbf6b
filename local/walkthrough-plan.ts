/**
 * Which calls the `npm run local` walkthrough shows, from the served API: a first route the demo
 * user's token can call (after joining a group that grants its scopes, when every route needs
 * one), and a route that token lacks a scope for (403 insufficient_scope), with the group that
 * would grant it.
 */

export interface WalkthroughRoute {
  /** `"GET /accounts/{id}"` */
  readonly key: string;
  readonly method: string;
  /** The path to call: path variables filled in. */
  readonly path: string;
  readonly scopes: readonly string[];
}

export interface WalkthroughPlan {
  /** The route of the first call, which answers 200 (when `scopesMissing` is empty). */
  readonly first: WalkthroughRoute;
  /** A group to put the demo user in before the first token, so that the first call is allowed. */
  readonly joinFirst?: string;
  /** Scopes of the first route that no group grants: its call answers 403 whatever the user does. */
  readonly scopesMissing: readonly string[];
  /** A route the first token lacks a scope for, and the group that grants it (if one does). */
  readonly forbidden?: WalkthroughRoute & { readonly missing: readonly string[]; readonly group?: string };
}

export interface WalkthroughInput {
  readonly routes: Readonly<Record<string, readonly string[]>>;
  readonly groupScopes: Readonly<Record<string, readonly string[]>>;
  /** The groups the demo user is already in. */
  readonly demoGroups: readonly string[];
}

function routeOf(key: string, scopes: readonly string[]): WalkthroughRoute {
  const [method, template] = key.split(" ");
  return { key, method, path: template.replace(/\{[^}]+\}/g, "example"), scopes };
}

/** GET before other methods, literal paths before templated ones, then the document's order. */
function preference(key: string): number {
  return (key.startsWith("GET ") ? 0 : 2) + (key.includes("{") ? 1 : 0);
}

const missingFrom = (held: ReadonlySet<string>, scopes: readonly string[]) => scopes.filter((scope) => !held.has(scope));

export function planWalkthrough(input: WalkthroughInput): WalkthroughPlan {
  const keys = Object.keys(input.routes).sort((a, b) => preference(a) - preference(b));
  if (keys.length === 0) return { first: routeOf("GET /example", []), scopesMissing: [] };
  const scopesOf = (groups: readonly string[]) => new Set(groups.flatMap((group) => input.groupScopes[group] ?? []));
  const held = scopesOf(input.demoGroups);
  const groups = Object.keys(input.groupScopes);
  const grantingGroup = (scopes: readonly string[], have: ReadonlySet<string>) =>
    groups.find((group) => missingFrom(new Set([...have, ...(input.groupScopes[group] ?? [])]), scopes).length === 0);

  // A route the token already passes; else one that a single group opens.
  let firstKey = keys.find((key) => missingFrom(held, input.routes[key]).length === 0);
  let joinFirst: string | undefined;
  if (!firstKey) {
    firstKey = keys.find((key) => grantingGroup(input.routes[key], held) !== undefined);
    joinFirst = firstKey ? grantingGroup(input.routes[firstKey], held) : undefined;
  }
  firstKey ??= keys[0];
  const tokenScopes = new Set([...held, ...(joinFirst ? input.groupScopes[joinFirst] ?? [] : [])]);
  const first = routeOf(firstKey, input.routes[firstKey]);

  const forbiddenKey = keys.find((key) => key !== firstKey && missingFrom(tokenScopes, input.routes[key]).length > 0);
  const forbidden = forbiddenKey
    ? { ...routeOf(forbiddenKey, input.routes[forbiddenKey]), missing: missingFrom(tokenScopes, input.routes[forbiddenKey]), group: grantingGroup(input.routes[forbiddenKey], tokenScopes) }
    : undefined;
  return { first, joinFirst, scopesMissing: missingFrom(tokenScopes, first.scopes), forbidden };
}

/** The route a token with `scopes` may call: `preferred` when it can, else the first such route, else `preferred`. */
export function routeFor(routes: Readonly<Record<string, readonly string[]>>, scopes: readonly string[], preferred: WalkthroughRoute): WalkthroughRoute {
  const held = new Set(scopes);
  if (missingFrom(held, preferred.scopes).length === 0) return preferred;
  const key = Object.keys(routes).sort((a, b) => preference(a) - preference(b)).find((k) => missingFrom(held, routes[k]).length === 0);
  return key ? routeOf(key, routes[key]) : preferred;
}
