/**
 * API Gateway's route selection for REST APIs: the most specific resource template that
 * matches the request path wins (a literal segment over `{variable}`, `{variable}` over a
 * greedy `{proxy+}`), then the method on that resource. No match → the caller answers 403
 * "Missing Authentication Token", as API Gateway does for unknown paths and methods.
 */
export interface RoutePattern {
  readonly httpMethod: string;
  /** e.g. /accounts/{id} or /files/{proxy+} */
  readonly path: string;
}

export interface RouteMatch<R extends RoutePattern> {
  readonly route: R;
  /** Values of the template's variables, URL-decoded; null when the template has none. */
  readonly pathParameters: Record<string, string> | null;
}

const LITERAL = 0;
const VARIABLE = 1;
const GREEDY = 2;

export function matchRoute<R extends RoutePattern>(routes: readonly R[], method: string, pathname: string): RouteMatch<R> | undefined {
  const requested = segmentsOf(pathname);
  let best: { path: string; rank: number[]; parameters: Record<string, string> } | undefined;
  for (const path of new Set(routes.map((r) => r.path))) {
    const matched = matchTemplate(segmentsOf(path), requested);
    if (matched && (!best || compareRanks(matched.rank, best.rank) < 0)) best = { path, ...matched };
  }
  if (!best) return undefined;
  const route = routes.find((r) => r.path === best!.path && (r.httpMethod === method || r.httpMethod === "ANY"));
  if (!route) return undefined;
  return { route, pathParameters: Object.keys(best.parameters).length > 0 ? best.parameters : null };
}

function segmentsOf(path: string): string[] {
  return path.split("/").filter((segment) => segment !== "");
}

function matchTemplate(template: string[], requested: string[]): { rank: number[]; parameters: Record<string, string> } | undefined {
  const rank: number[] = [];
  const parameters: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const variable = /^\{([^}+]+)(\+?)\}$/.exec(template[i]);
    if (variable?.[2] === "+") {
      if (i >= requested.length) return undefined; // greedy matches one segment or more
      parameters[variable[1]] = requested.slice(i).map(decode).join("/");
      rank.push(GREEDY);
      return { rank, parameters };
    }
    if (i >= requested.length) return undefined;
    if (variable) {
      parameters[variable[1]] = decode(requested[i]);
      rank.push(VARIABLE);
    } else if (template[i] === requested[i]) {
      rank.push(LITERAL);
    } else {
      return undefined;
    }
  }
  return template.length === requested.length ? { rank, parameters } : undefined;
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return b.length - a.length;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
