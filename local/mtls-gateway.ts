/**
 * A mutual-TLS API gateway that behaves like API Gateway for our stack: TLS >= 1.2, a
 * client certificate from the truststore required in the handshake, routes, REQUEST
 * authorizers with identity sources and a faithful result cache (keyed by the identity
 * source values only, as API Gateway does, so TTL > 0 really replays an Allow to another
 * certificate), gateway responses, path templates, and AWS_PROXY (the stack's functions) and
 * HTTP_PROXY integrations, all from the synthesized stack.
 */
import { randomUUID, type X509Certificate } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import type { ContextValues } from "./access-log";
import { proxyHttp } from "./http-proxy";
import { readBody } from "./read-body";
import { describeClientCert, describeRestRequest, type RestRequest } from "./rest-event";
import { certificateValues, handshakeRefusedValues, RequestTrace } from "./request-trace";
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
  /** Called once per request after its response, with its `$context` values (the access log). */
  readonly onRequestLogged?: (values: ContextValues) => void;
  /** Called once per refused TLS handshake, with what is known of it. */
  readonly onHandshakeRefused?: (values: ContextValues) => void;
}

interface CachedPolicy {
  readonly expires: number;
  readonly result: any;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export class MtlsGateway {
  private server?: Server;
  private readonly cache = new Map<string, CachedPolicy>();
  private readonly clientCerts = new WeakMap<TLSSocket, Record<string, unknown>>();
  private readonly traces = new WeakMap<ServerResponse, RequestTrace>();
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
    // The peer's address, read while the connection is up: a refused handshake has torn it down.
    const peers = new WeakMap<object, string | undefined>();
    this.server.on("connection", (raw: Socket) => peers.set(raw, raw.remoteAddress));
    this.server.on("tlsClientError", (_error, socket) => this.options.onHandshakeRefused?.(handshakeRefusedValues(socket, peers)));
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
    const trace = this.trace(req, res);
    const url = new URL(req.url ?? "/", "https://localhost");
    const match = matchRoute(this.options.config.routes, req.method ?? "GET", url.pathname);
    if (!match) return this.gatewayResponse(res, "MISSING_AUTHENTICATION_TOKEN", 403, "Missing Authentication Token");
    const { route, pathParameters } = match;
    trace.set({ resourcePath: route.path });
    const body = await readBody(req, MAX_BODY_BYTES);
    const request = this.describeRequest(req, url, route, pathParameters, trace);

    let authorizerContext: Record<string, unknown> | undefined;
    // The stack makes every method CUSTOM; another type (IAM, a Cognito authorizer) cannot be
    // checked here, and serving it unauthenticated would be wrong.
    if (route.authorization !== "CUSTOM" && route.authorization !== "NONE") {
      return this.send(res, 500, { "content-type": "application/json" }, JSON.stringify({ message: `${route.httpMethod} ${route.path}: authorization ${route.authorization} is not served by npm run local` }));
    }
    if (route.authorization === "CUSTOM" && !route.authorizer) return this.gatewayResponse(res, "AUTHORIZER_CONFIGURATION_ERROR", 500, null);
    if (route.authorization === "CUSTOM" && route.authorizer) {
      const outcome = await this.authorize(route, request, trace);
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
      const integrationDone = this.traces.get(res)?.time("integrationLatency");
      const answer = await proxyHttp(req, route, pathParameters, url, body, authorizerContext);
      integrationDone?.();
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
    const integrationDone = trace.time("integrationLatency");
    try {
      result = await fn(event);
      integrationDone();
    } catch {
      return this.send(res, 502, { "content-type": "application/json" }, '{"message": "Internal server error"}');
    }
    if (!result || typeof result.statusCode !== "number") return this.send(res, 502, { "content-type": "application/json" }, '{"message": "Internal server error"}');
    const headers: Record<string, string | string[]> = { ...(result.headers ?? {}) };
    for (const [name, values] of Object.entries<string[]>(result.multiValueHeaders ?? {})) headers[name] = values;
    const payload = result.isBase64Encoded ? Buffer.from(String(result.body ?? ""), "base64") : String(result.body ?? "");
    this.send(res, result.statusCode, headers, payload);
  }

  /** The request's access log record; written once the response has been sent. */
  private trace(req: IncomingMessage, res: ServerResponse): RequestTrace {
    const socket = req.socket as TLSSocket;
    const trace = new RequestTrace({
      "identity.sourceIp": socket.remoteAddress,
      httpMethod: req.method,
      protocol: `HTTP/${req.httpVersion}`,
      domainName: req.headers.host?.replace(/:\d+$/, ""),
      ...certificateValues(this.clientCertOf(socket)),
    });
    this.traces.set(res, trace);
    res.once("finish", () => this.options.onRequestLogged?.(trace.finish(res.statusCode)));
    return trace;
  }

  /** The parts of API Gateway's REST events that both the authorizer and the integration receive. */
  private describeRequest(req: IncomingMessage, url: URL, route: RouteConfig, pathParameters: Record<string, string> | null, trace: RequestTrace): RestRequest {
    const source = { stageName: this.options.config.stageName, region: this.region, accountId: this.accountId, apiId: this.apiId };
    return describeRestRequest(req, url, route, pathParameters, trace, this.clientCertOf(req.socket as TLSSocket), source);
  }

  /** The client certificate is fixed for a TLS connection: describe it once per socket. */
  private clientCertOf(socket: TLSSocket): Record<string, unknown> {
    let described = this.clientCerts.get(socket);
    if (!described) {
      described = describeClientCert(socket.getPeerX509Certificate() as X509Certificate);
      this.clientCerts.set(socket, described);
    }
    return described;
  }

  private async authorize(route: RouteConfig, request: RestRequest, trace: RequestTrace): Promise<{ status: "allow"; context: Record<string, unknown> } | { status: "unauthorized" | "denied" | "error" }> {
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
      const authorizerDone = trace.time("authorizer.latency");
      try {
        result = await fn({ type: "REQUEST", methodArn: request.methodArn, ...request.event, requestContext: request.requestContext });
        authorizerDone();
      } catch (error) {
        authorizerDone();
        const unauthorized = (error as Error)?.message === "Unauthorized";
        trace.set({ "authorizer.status": unauthorized ? "401" : "500", "authorizer.error": unauthorized ? "Unauthorized" : "the authorizer failed" });
        return unauthorized ? { status: "unauthorized" } : { status: "error" };
      }
      if (authorizer.resultTtlSeconds > 0) this.cache.set(cacheKey, { expires: Date.now() + authorizer.resultTtlSeconds * 1000, result });
    }
    trace.set({ "authorizer.status": "200", "authorizer.principalId": typeof result?.principalId === "string" ? result.principalId : undefined });
    const statements = [result?.policyDocument?.Statement ?? []].flat();
    const matches = (s: any) => [s.Resource].flat().some((r: string) => resourceMatches(r, request.methodArn)) && [s.Action].flat().some((a: string) => a === "execute-api:Invoke" || a === "execute-api:*" || a === "*");
    if (statements.some((s: any) => s.Effect === "Deny" && matches(s))) return { status: "denied" };
    if (!statements.some((s: any) => s.Effect === "Allow" && matches(s))) return { status: "denied" };
    const context = result.context ?? {};
    if (Object.values(context).some((v) => v !== null && typeof v === "object")) return { status: "error" }; // API Gateway: 500
    return { status: "allow", context: { ...context, principalId: result.principalId } };
  }

  private gatewayResponse(res: ServerResponse, type: string, defaultStatus: number, message: string | null): void {
    this.traces.get(res)?.set({ "error.responseType": type });
    const configured = this.options.config.gatewayResponses[type];
    this.send(res, configured?.statusCode ?? defaultStatus, { "content-type": "application/json", ...(configured?.headers ?? {}) }, JSON.stringify({ message }));
  }

  private send(res: ServerResponse, status: number, headers: Record<string, string | string[]>, body: string | Buffer): void {
    if (res.headersSent) return;
    const trace = this.traces.get(res);
    trace?.set({ responseLength: String(Buffer.byteLength(body)) });
    // API Gateway's x-amzn-RequestId is the request's $context.requestId (the access log's requestId).
    res.writeHead(status, { "x-amzn-requestid": trace?.requestId ?? randomUUID(), ...headers });
    res.end(body);
  }
}

/** execute-api ARNs with `*` wildcards, as IAM matches them. */
function resourceMatches(pattern: string, arn: string): boolean {
  if (typeof pattern !== "string") return false;
  let regex = resourcePatterns.get(pattern);
  if (!regex) {
    regex = new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
    if (resourcePatterns.size >= MAX_RESOURCE_PATTERNS) resourcePatterns.clear();
    resourcePatterns.set(pattern, regex);
  }
  return regex.test(arn);
}

/** Each policy's Resource pattern compiled once (an authorizer answers with a few, request after request). */
const resourcePatterns = new Map<string, RegExp>();
const MAX_RESOURCE_PATTERNS = 1000;
