/**
 * HTTP_PROXY integrations for the local gateway: the request goes to the integration URI
 * (path variables filled from the route's request parameter mappings, query string kept)
 * and the backend's answer comes back as it is, like API Gateway's HTTP proxy.
 */
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { applyRequestMappings, UnsupportedMappingError } from "./request-mappings";
import type { RouteConfig } from "./stack-config";

export interface ProxiedResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Hop-by-hop headers (RFC 9110 §7.6.1) and Host are the proxy's own, never forwarded. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length"]);
/** API Gateway's integration timeout. */
const TIMEOUT_MS = 29_000;
const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/** A path value that would climb out of the backend path the route names (`..`, `.`). */
export class PathTraversalError extends Error {}

/**
 * The backend URL: `{name}` in the URI takes the value that `integration.request.path.<name>`
 * maps from (`method.request.path.<variable>`). A value keeps its slashes only when it comes
 * from a greedy `{proxy+}` variable; `.` and `..` segments are refused, so a route's scopes
 * never guard another path of the backend than the one its URI names.
 * @throws PathTraversalError
 */
export function integrationUrl(uri: string, requestParameters: Readonly<Record<string, string>>, pathParameters: Readonly<Record<string, string>> | null, search: string, greedy: ReadonlySet<string> = new Set()): URL {
  const filled = uri.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const source = /^method\.request\.path\.(.+)$/.exec(requestParameters[`integration.request.path.${name}`] ?? "")?.[1];
    const value = source !== undefined ? pathParameters?.[source] : undefined;
    if (value === undefined) return whole;
    const segments = greedy.has(source!) ? value.split("/") : [value];
    if (segments.some((segment) => segment === "." || segment === "..")) throw new PathTraversalError(`path value ${JSON.stringify(value.slice(0, 100))} has a "." or ".." segment`);
    return segments.map(encodeURIComponent).join("/");
  });
  const url = new URL(filled);
  if (search && !url.search) url.search = search;
  return url;
}

export function forwardHttp(url: URL, method: string, rawHeaders: readonly string[], body: Buffer): Promise<ProxiedResponse> {
  const headers: Record<string, string[]> = {};
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (!HOP_BY_HOP.has(rawHeaders[i].toLowerCase())) (headers[rawHeaders[i]] ??= []).push(rawHeaders[i + 1]);
  }
  if (body.length > 0) headers["content-length"] = [String(body.length)];
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method, headers, timeout: TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) req.destroy(new Error("the backend's response is larger than 10 MB"));
        else chunks.push(chunk);
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error(`no answer within ${TIMEOUT_MS / 1000} s`), { code: "ETIMEDOUT" })));
    req.on("error", reject);
    req.end(body);
  });
}

export interface GatewayAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: string | Buffer;
}

/** HTTP_PROXY: the backend's answer as it is; an unreachable backend is a 502 (504 on timeout) that says why. */
export async function proxyHttp(req: IncomingMessage, route: RouteConfig, pathParameters: Record<string, string> | null, url: URL, body: Buffer, authorizerContext?: Record<string, unknown>): Promise<GatewayAnswer> {
  const integration = route.integration;
  const json = (status: number, message: string): GatewayAnswer => ({ status, headers: { "content-type": "application/json" }, body: JSON.stringify({ message: `${route.httpMethod} ${route.path}: ${message}` }) });
  let target: URL;
  try {
    const greedy = new Set([...route.path.matchAll(/\{([^}]+)\+\}/g)].map((m) => m[1]));
    target = integrationUrl(integration.uri!, integration.requestParameters, pathParameters, url.search, greedy);
  } catch (error) {
    if (error instanceof PathTraversalError) return json(400, error.message);
    throw error;
  }
  let mapped;
  try {
    mapped = applyRequestMappings(integration.requestParameters, { rawHeaders: req.rawHeaders, query: url.searchParams, pathParameters, authorizerContext });
  } catch (error) {
    if (error instanceof UnsupportedMappingError) return json(500, error.message);
    throw error;
  }
  for (const [name, value] of mapped.query) {
    if (value === undefined) target.searchParams.delete(name);
    else target.searchParams.set(name, value);
  }
  // ANY in the integration means "the client's method".
  const method = !integration.httpMethod || integration.httpMethod === "ANY" ? req.method ?? "GET" : integration.httpMethod;
  try {
    const answer = await forwardHttp(target, method, mapped.rawHeaders, body);
    const headers = Object.fromEntries(Object.entries(answer.headers).filter(([name, value]) => value !== undefined && !["connection", "keep-alive", "transfer-encoding", "content-length"].includes(name)));
    return { status: answer.status, headers: headers as Record<string, string | string[]>, body: answer.body };
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return json(reason === "ETIMEDOUT" ? 504 : 502, `the HTTP_PROXY backend ${target.origin} did not answer (${reason})`);
  }
}
