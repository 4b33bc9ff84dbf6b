/**
 * The request as API Gateway hands it to a REST API's REQUEST authorizer and AWS_PROXY
 * integration: headers grouped as API Gateway groups them, query parameters, the request
 * context with the mutual-TLS client certificate, and the method ARN.
 */
import type { X509Certificate } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import type { RequestTrace } from "./request-trace";
import type { RouteConfig } from "./stack-config";

export interface EventSource {
  readonly stageName: string;
  readonly region: string;
  readonly accountId: string;
  readonly apiId: string;
}

export type RestRequest = ReturnType<typeof describeRestRequest>;

export function describeRestRequest(req: IncomingMessage, url: URL, route: RouteConfig, pathParameters: Record<string, string> | null, trace: RequestTrace, clientCert: Record<string, unknown>, source: EventSource) {
  const socket = req.socket as TLSSocket;
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  const spelling = new Map<string, string>(); // lowercase name → first spelling seen, as API Gateway groups them
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const [name, value] = [req.rawHeaders[i], req.rawHeaders[i + 1]];
    const key = spelling.get(name.toLowerCase()) ?? name;
    spelling.set(name.toLowerCase(), key);
    (multiValueHeaders[key] ??= []).push(value);
    headers[key] = value;
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    (multiQuery[name] ??= []).push(value);
  }
  const stage = source.stageName;
  const requestContext = {
    resourceId: "local",
    resourcePath: route.path,
    httpMethod: req.method,
    extendedRequestId: trace.extendedRequestId,
    requestTime: trace.requestTime,
    path: `/${stage}${url.pathname}`,
    accountId: source.accountId,
    protocol: `HTTP/${req.httpVersion}`,
    stage,
    domainPrefix: "localhost",
    requestTimeEpoch: trace.received.getTime(),
    requestId: trace.requestId,
    domainName: req.headers.host ?? "localhost",
    apiId: source.apiId,
    identity: {
      sourceIp: socket.remoteAddress,
      userAgent: req.headers["user-agent"] ?? null,
      clientCert,
    },
  };
  const event = {
    resource: route.path,
    path: url.pathname,
    httpMethod: req.method,
    headers,
    multiValueHeaders,
    queryStringParameters: Object.keys(query).length ? query : null,
    multiValueQueryStringParameters: Object.keys(multiQuery).length ? multiQuery : null,
    pathParameters,
    stageVariables: null,
  };
  return { event, requestContext, methodArn: `arn:aws:execute-api:${source.region}:${source.accountId}:${source.apiId}/${stage}/${req.method}${url.pathname}` };
}

/** `requestContext.identity.clientCert` of a peer certificate. */
export function describeClientCert(peer: X509Certificate): Record<string, unknown> {
  return {
    clientCertPem: peer.toString(),
    subjectDN: distinguishedName(peer.subject),
    issuerDN: distinguishedName(peer.issuer),
    serialNumber: awsSerialNumber(peer.serialNumber),
    validity: { notBefore: peer.validFrom, notAfter: peer.validTo },
  };
}

/**
 * The serial number in the form API Gateway puts into `requestContext.identity.clientCert.serialNumber`:
 * lowercase hex octets joined by colons. AWS documents no grammar for it, only examples: the
 * API Gateway Developer Guide's REST (payload 1.0) and HTTP API (2.0) proxy event examples
 * ("Lambda proxy integrations in API Gateway" and "Create AWS Lambda proxy integrations for HTTP
 * APIs") show "a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1". That first octet has its high bit
 * set with no 00 before it, so the octets are the integer's magnitude, not its DER encoding: what
 * node's uppercase `serialNumber` hex holds, and what `openssl x509 -text` prints.
 */
function awsSerialNumber(hex: string): string {
  const even = hex.length % 2 === 0 ? hex : `0${hex}`;
  return even.toLowerCase().match(/../g)!.join(":");
}

/** node prints a DN as one "K=V" per line; the event carries it comma-separated ("CN=…,O=…"). */
function distinguishedName(lines: string): string {
  return lines.split("\n").filter(Boolean).join(",");
}
