/**
 * A mutual-TLS API gateway that behaves like API Gateway for our stack: TLS >= 1.2, a
 * client certificate from the truststore required in the handshake, routes, REQUEST
 * authorizers with identity sources and a faithful result cache (keyed by the identity
 * source values only, as API Gateway does, so TTL > 0 really replays an Allow to another
 * certificate), gateway responses, and AWS_PROXY integrations, all from the synthesized stack.
 */
import { randomUUID, type X509Certificate } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { proxyHttp } from "./http-proxy";
import { readBody } from "./read-body";
import { matchRoute } from "./route-matcher";
import type { LocalApiConfig, RouteConfig } from "./stack-config";

export type AuthorizerFunction = (event: Record<string, unknown>) => Promise<any>;
export type ProxyFunction = (event: Record<string, unknown>) => Promise<any>;

export interface MtlsGatewayOptions {
  readonly config: LocalApiConfig;
  readonly serverCertPem: string;
  readonly serverKeyPem: string;
  /** PEM bundle of the CAs whose client certificates are accepted. */
  readonly truststorePem: string;
  /** Function name → handler. */
  readonly authorizers: Readonly<Record<string, AuthorizerFunction>>;
  readonly functions: Readonly<Record<string, ProxyFunction>>;
  /** @default "eu-west-1" */
  readonly region?: string;
  /** @default "123456789012" */
  readonly accountId?: string;
  /** @default "localapi01" */
  readonly apiId?: string;
}

interface CachedPolicy {
  readonly expires: number;
  readonly result: any;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export class MtlsGateway {
  private server?: Server;
  private readonly cache = new Map<string, CachedPolicy>();
  /** The client certificate is fixed for a TLS connection: describe it once per socket. */
  private readonly clientCerts = new WeakMap<TLSSocket, Record<string, unknown>>();
  private readonly region: string;
  private readonly accountId: string;
  private readonly apiId: string;

  constructor(private readonly options: MtlsGatewayOptions) {
    this.region = options.region ?? "eu-west-1";
    this.accountId = options.accountId ?? "123456789012";
    this.apiId = options.apiId ?? "localapi01";
  }

  async listen(port: number, host = "127.0.0.1"): Promise<string> {
    this.server = createServer(
      {
        key: this.options.serverKeyPem,
        cert: this.options.serverCertPem,
        ca: this.options.truststorePem,
        requestCert: true,
        rejectUnauthorized: true, // no, untrusted or expired certificate: no handshake
        minVersion: "TLSv1.2",
      },
      (req, res) => void this.handle(req, res).catch(() => this.send(res, 500, { "content-type": "application/json" }, '{"message":"Internal server error"}')),
    );
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(port, host, resolve);
    });
    return `https://${host}:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "https://localhost");
    const match = matchRoute(this.options.config.routes, req.method ?? "GET", url.pathname);
    if (!match) return this.gatewayResponse(res, "MISSING_AUTHENTICATION_TOKEN", 403, "Missing Authentication Token");
    const { route, pathParameters } = match;
    const body = await readBody(req, MAX_BODY_BYTES);
    const request = this.describeRequest(req, url, route, pathParameters);

    let authorizerContext: Record<string, unknown> | undefined;
    // The stack makes every method CUSTOM; another type (IAM, a Cognito authorizer) cannot be
    // checked here, and serving it unauthenticated would be wrong.
    if (route.authorization !== "CUSTOM" && route.authorization !== "NONE") {
      return this.send(res, 500, { "content-type": "application/json" }, JSON.stringify({ message: `${route.httpMethod} ${route.path}: authorization ${route.authorization} is not served by npm run local` }));
    }
    if (route.authorization === "CUSTOM" && !route.authorizer) return this.gatewayResponse(res, "AUTHORIZER_CONFIGURATION_ERROR", 500, null);
    if (route.authorization === "CUSTOM" && route.authorizer) {
      const outcome = await this.authorize(route, request);
      if (outcome.status !== "allow") {
        return outcome.status === "unauthorized"
          ? this.gatewayResponse(res, "UNAUTHORIZED", 401, "Unauthorized")
          : outcome.status === "denied"
            ? this.gatewayResponse(res, "ACCESS_DENIED", 403, "User is not authorized to access this resource with an explicit deny")
            : this.gatewayResponse(res, "AUTHORIZER_CONFIGURATION_ERROR", 500, null);
      }
      authorizerContext = outcome.context;
    }

    const integration = route.integration;
    if (integration.type === "HTTP_PROXY" && integration.uri) {
      const answer = await proxyHttp(req, route, pathParameters, url, body);
      return this.send(res, answer.status, answer.headers, answer.body);
    }
    if (integration.type === "AWS_PROXY" && !integration.function) {
      return this.send(res, 502, { "content-type": "application/json" }, JSON.stringify({ message: `${route.httpMethod} ${route.path}: AWS_PROXY to a Lambda outside this stack (${integration.uri}) cannot run locally; use an x-cbat-handler or an HTTP_PROXY to a local server` }));
    }
    const fn = integration.function && this.options.functions[integration.function.functionName];
    if (integration.type !== "AWS_PROXY" || !fn) {
      return this.send(res, 502, { "content-type": "application/json" }, JSON.stringify({ message: `${route.httpMethod} ${route.path}: ${integration.type} integrations are not served by npm run local` }));
    }
    const event = {
      ...request.event,
      body: body.length > 0 ? body.toString("utf8") : null,
      isBase64Encoded: false,
      requestContext: { ...request.requestContext, authorizer: authorizerContext },
    };
    let result: any;
    try {
      result = await fn(event);
    } catch {
      return this.send(res, 502, { "content-type": "application/json" }, '{"message": "Internal server error"}');
    }
    if (!result || typeof result.statusCode !== "number") return this.send(res, 502, { "content-type": "application/json" }, '{"message": "Internal server error"}');
    const headers: Record<string, string | string[]> = { ...(result.headers ?? {}) };
    for (const [name, values] of Object.entries<string[]>(result.multiValueHeaders ?? {})) headers[name] = values;
    const payload = result.isBase64Encoded ? Buffer.from(String(result.body ?? ""), "base64") : String(result.body ?? "");
    this.send(res, result.statusCode, headers, payload);
  }

  /** The parts of API Gateway's REST events that both the authorizer and the integration receive. */
  private describeRequest(req: IncomingMessage, url: URL, route: RouteConfig, pathParameters: Record<string, string> | null) {
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
    const stage = this.options.config.stageName;
    const requestContext = {
      resourceId: "local",
      resourcePath: route.path,
      httpMethod: req.method,
      extendedRequestId: randomUUID(),
      requestTime: new Date().toUTCString(),
      path: `/${stage}${url.pathname}`,
      accountId: this.accountId,
      protocol: `HTTP/${req.httpVersion}`,
      stage,
      domainPrefix: "localhost",
      requestTimeEpoch: Date.now(),
      requestId: randomUUID(),
      domainName: req.headers.host ?? "localhost",
      apiId: this.apiId,
      identity: {
        sourceIp: socket.remoteAddress,
        userAgent: req.headers["user-agent"] ?? null,
        clientCert: this.clientCertOf(socket),
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
    return { event, requestContext, methodArn: `arn:aws:execute-api:${this.region}:${this.accountId}:${this.apiId}/${stage}/${req.method}${url.pathname}` };
  }

  private clientCertOf(socket: TLSSocket): Record<string, unknown> {
    let described = this.clientCerts.get(socket);
    if (!described) {
      const peer = socket.getPeerX509Certificate() as X509Certificate;
      described = {
        clientCertPem: peer.toString(),
        subjectDN: distinguishedName(peer.subject),
        issuerDN: distinguishedName(peer.issuer),
        serialNumber: apiGatewaySerialNumber(peer.serialNumber),
        validity: { notBefore: peer.validFrom, notAfter: peer.validTo },
      };
      this.clientCerts.set(socket, described);
    }
    return described;
  }

  private async authorize(route: RouteConfig, request: ReturnType<MtlsGateway["describeRequest"]>): Promise<{ status: "allow"; context: Record<string, unknown> } | { status: "unauthorized" | "denied" | "error" }> {
    const authorizer = route.authorizer!;
    // Identity sources: all must be present and non-empty, or API Gateway answers 401 without calling the authorizer.
    const identity: string[] = [];
    for (const source of authorizer.identitySources) {
      const header = /^method\.request\.header\.(.+)$/.exec(source)?.[1];
      const value = header ? Object.entries(request.event.headers).find(([k]) => k.toLowerCase() === header.toLowerCase())?.[1] : undefined;
      if (!value) return { status: "unauthorized" };
      identity.push(value);
    }
    const cacheKey = `${route.httpMethod} ${route.path}\n${identity.join("\n")}`;
    const cached = this.cache.get(cacheKey);
    let result: any;
    if (cached && cached.expires > Date.now()) {
      result = cached.result;
    } else {
      const fn = this.options.authorizers[authorizer.function.functionName];
      if (!fn) return { status: "error" };
      try {
        result = await fn({ type: "REQUEST", methodArn: request.methodArn, ...request.event, requestContext: request.requestContext });
      } catch (error) {
        return (error as Error)?.message === "Unauthorized" ? { status: "unauthorized" } : { status: "error" };
      }
      if (authorizer.resultTtlSeconds > 0) this.cache.set(cacheKey, { expires: Date.now() + authorizer.resultTtlSeconds * 1000, result });
    }
    const statements = [result?.policyDocument?.Statement ?? []].flat();
    const matches = (s: any) => [s.Resource].flat().some((r: string) => resourceMatches(r, request.methodArn)) && [s.Action].flat().some((a: string) => a === "execute-api:Invoke" || a === "execute-api:*" || a === "*");
    if (statements.some((s: any) => s.Effect === "Deny" && matches(s))) return { status: "denied" };
    if (!statements.some((s: any) => s.Effect === "Allow" && matches(s))) return { status: "denied" };
    const context = result.context ?? {};
    if (Object.values(context).some((v) => v !== null && typeof v === "object")) return { status: "error" }; // API Gateway: 500
    return { status: "allow", context: { ...context, principalId: result.principalId } };
  }

  private gatewayResponse(res: ServerResponse, type: string, defaultStatus: number, message: string | null): void {
    const configured = this.options.config.gatewayResponses[type];
    this.send(res, configured?.statusCode ?? defaultStatus, { "content-type": "application/json", ...(configured?.headers ?? {}) }, JSON.stringify({ message }));
  }

  private send(res: ServerResponse, status: number, headers: Record<string, string | string[]>, body: string | Buffer): void {
    if (res.headersSent) return;
    res.writeHead(status, { "x-amzn-requestid": randomUUID(), ...headers });
    res.end(body);
  }
}

/** node prints a DN as one "K=V" per line; the event carries it comma-separated ("CN=…,O=…"). */
function distinguishedName(lines: string): string {
  return lines.split("\n").filter(Boolean).join(",");
}

/**
 * The serial number in the form API Gateway puts into `requestContext.identity.clientCert.serialNumber`:
 * lowercase hex octets joined by colons. AWS documents no grammar for it, only examples: the
 * API Gateway Developer Guide's REST (payload 1.0) and HTTP API (2.0) proxy event examples
 * ("Lambda proxy integrations in API Gateway" and "Create AWS Lambda proxy integrations for HTTP
 * APIs", docs.aws.amazon.com/apigateway/latest/developerguide/) show
 * "a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1". That first octet has its high bit set with no
 * 00 before it, so the octets are the integer's magnitude, not its DER encoding: what node's
 * uppercase `serialNumber` hex holds, and what `openssl x509 -text` prints.
 */
function apiGatewaySerialNumber(hex: string): string {
  const even = hex.length % 2 === 0 ? hex : `0${hex}`;
  return (even.toLowerCase().match(/../g) ?? []).join(":");
}

/** execute-api ARNs with `*` wildcards, as IAM matches them. */
function resourceMatches(pattern: string, arn: string): boolean {
  if (typeof pattern !== "string") return false;
  const regex = new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
  return regex.test(arn);
}
