/**
 * HTTP_PROXY integrations for the local gateway: the request goes to the integration URI
 * (path variables filled from the route's request parameter mappings, query string kept)
 * and the backend's answer comes back as it is, like API Gateway's HTTP proxy.
 */
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";

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

/**
 * The backend URL: `{name}` in the URI takes the value that `integration.request.path.<name>`
 * maps from (`method.request.path.<variable>`).
 */
export function integrationUrl(uri: string, requestParameters: Readonly<Record<string, string>>, pathParameters: Readonly<Record<string, string>> | null, search: string): URL {
  const filled = uri.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const source = /^method\.request\.path\.(.+)$/.exec(requestParameters[`integration.request.path.${name}`] ?? "")?.[1];
    const value = source !== undefined ? pathParameters?.[source] : undefined;
    return value === undefined ? whole : encodeURIComponent(value).replace(/%2F/g, "/");
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
