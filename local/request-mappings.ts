/**
 * The header and query string request parameter mappings of an HTTP_PROXY integration, applied
 * as API Gateway applies them (it does for proxy integrations too: "You can use parameter
 * mapping in your integration request for proxy and non-proxy integrations",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-parameter-mapping.html).
 * A mapped header replaces any header of the same name the client sent (names compared without
 * case), and is left out, with the client's, when its source has no value: a client can never
 * supply a header the API fills from `context.authorizer.*`.
 *
 * Mappings the local gateway cannot evaluate (stage variables, other `context.*` values, the
 * body) are refused with a message naming them, never skipped.
 */

export class UnsupportedMappingError extends Error {}

export interface MappingSources {
  readonly rawHeaders: readonly string[];
  readonly query: URLSearchParams;
  readonly pathParameters: Readonly<Record<string, string>> | null;
  readonly authorizerContext?: Readonly<Record<string, unknown>>;
}

export interface MappedRequest {
  /** The client's headers minus every mapped name, then the mapped values. */
  readonly rawHeaders: string[];
  /** Query parameters to set (undefined: remove). */
  readonly query: ReadonlyMap<string, string | undefined>;
}

const TARGET = /^integration\.request\.(header|querystring|path)\.(.+)$/;

/** @throws UnsupportedMappingError naming the mapping the local gateway cannot apply */
export function applyRequestMappings(requestParameters: Readonly<Record<string, string>>, sources: MappingSources): MappedRequest {
  const headers = new Map<string, string | undefined>();
  const query = new Map<string, string | undefined>();
  for (const [target, source] of Object.entries(requestParameters)) {
    const parsed = TARGET.exec(target);
    if (!parsed) throw new UnsupportedMappingError(`requestParameters "${target}" is not a mapping npm run local can apply (integration.request.header, querystring or path)`);
    if (parsed[1] === "path") continue; // filled into the URI by integrationUrl
    const value = valueOf(source, target, sources);
    if (parsed[1] === "header") headers.set(parsed[2].toLowerCase(), value);
    else query.set(parsed[2], value);
  }
  const rawHeaders: string[] = [];
  for (let i = 0; i + 1 < sources.rawHeaders.length; i += 2) {
    if (!headers.has(sources.rawHeaders[i].toLowerCase())) rawHeaders.push(sources.rawHeaders[i], sources.rawHeaders[i + 1]);
  }
  for (const [name, value] of headers) if (value !== undefined) rawHeaders.push(name, value);
  return { rawHeaders, query };
}

function valueOf(source: string, target: string, sources: MappingSources): string | undefined {
  const staticValue = /^'(.*)'$/s.exec(source);
  if (staticValue) return staticValue[1];
  const authorizer = /^context\.authorizer\.(.+)$/.exec(source);
  if (authorizer) {
    const value = sources.authorizerContext?.[authorizer[1]];
    return value === undefined || value === null ? undefined : String(value);
  }
  const method = /^method\.request\.(header|querystring|path)\.(.+)$/.exec(source);
  if (method?.[1] === "path") return sources.pathParameters?.[method[2]];
  if (method?.[1] === "querystring") return sources.query.get(method[2]) ?? undefined;
  if (method?.[1] === "header") {
    const name = method[2].toLowerCase();
    for (let i = 0; i + 1 < sources.rawHeaders.length; i += 2) if (sources.rawHeaders[i].toLowerCase() === name) return sources.rawHeaders[i + 1];
    return undefined;
  }
  throw new UnsupportedMappingError(`requestParameters "${target}" reads ${source}, which npm run local cannot evaluate (it applies 'static' values, method.request.header/querystring/path and context.authorizer.*)`);
}
