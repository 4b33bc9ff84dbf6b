/**
 * The mTLS token endpoint (RFC 8705 §2): a machine client gets a certificate-bound access token
 * with its certificate alone, no secret. API Gateway has verified the certificate's chain against
 * the truststore (mutual TLS on the custom domain); this function
 * 1. reads the client-credentials request (RFC 6749 §4.4: grant_type, client_id, optional scope);
 * 2. authenticates the client named by client_id with the presented certificate, by its method:
 *    tls_client_auth (registered subject DN, optional issuing CA) or self_signed_tls_client_auth
 *    (pinned thumbprint); checks the certificate against the CRLs (the authorizer's code);
 * 3. asks Cognito for the token with the client's secret (which only this function can read) and a
 *    voucher of the certificate's thumbprint in aws_client_metadata, from which the V3_0 trigger
 *    binds cnf.x5t#S256 (lib/client-voucher.ts);
 * 4. answers RFC 6749 §5.1/§5.2 JSON with Cache-Control: no-store, and logs one decision line.
 * `GET /.well-known/oauth-authorization-server` answers the RFC 8414 metadata.
 */
import { issueVoucher, VOUCHER_METADATA_KEY, type VoucherMac } from "./lib/client-voucher";
import { ssmClientSecrets, type ClientSecretLookup } from "./lib/client-secret-store";
import { cognitoClientCredentials, TokenRequestError, type ClientCredentialsFetch } from "./lib/cognito-client-credentials";
import { safeId, writeToStdout, type DecisionLineWriter } from "./lib/decision-log";
import { AccessDeniedError, type DenyReason } from "./lib/errors";
import { IssuedTokenCache } from "./lib/issued-token-cache";
import { kmsVoucherMac } from "./lib/kms-voucher-mac";
import { RevocationCheck, type RevocationOptions } from "./lib/revocation-check";
import { revocationFromEnvironment } from "./lib/revocation-environment";
import { x5tS256FromPem } from "./lib/thumbprint";
import { readPackagedJson, SCOPES_SUPPORTED_FILE } from "./lib/packaged-data";
import { ssmMachineRegistry } from "./lib/ssm-machine-bindings";
import { CLIENT_AUTH_METHODS, certificateAuthenticates, parseTokenClients, registryTokenClients, type TokenClient, type TokenClientLookup, type TokenClientSpec } from "./lib/token-clients";
import { logTokenDecision, TOKEN_ISSUED_REASON } from "./lib/token-decision-log";

export { hmacVoucherMac } from "./lib/client-voucher";
export { fileRevocationSource } from "./lib/revocation-file-source";
export { ssmMachineRegistry } from "./lib/ssm-machine-bindings";
export { registryTokenClients } from "./lib/token-clients";
export type { TokenClientLookup, TokenClientSpec } from "./lib/token-clients";

export const TOKEN_PATH = "/oauth2/token";
export const METADATA_PATH = "/.well-known/oauth-authorization-server";

export interface TokenEndpointOptions {
  /**
   * The calling client's registration, by app client id: on AWS its machine-client registry entry
   * (registryTokenClients over ssmMachineRegistry: one SSM read per client, cached 60 s).
   * Exactly one of `registry` and `clients`.
   */
  readonly registry?: TokenClientLookup;
  /** A fixed map of registrations by app client id (tests, benchmarks). */
  readonly clients?: Readonly<Record<string, TokenClientSpec>>;
  /** RFC 8414 `scopes_supported`. @default the scopes of `clients` */
  readonly scopesSupported?: readonly string[];
  /** `https://<custom domain>`: where the token endpoint is, for the metadata. */
  readonly baseUrl: string;
  /** The pool's issuer, `https://cognito-idp.<region>.amazonaws.com/<pool id>`. */
  readonly issuer: string;
  /** Cognito's token endpoint (the pool domain's /oauth2/token). */
  readonly cognitoTokenEndpoint: string;
  readonly secrets: ClientSecretLookup;
  readonly voucherMac: VoucherMac;
  readonly revocation?: RevocationOptions;
  /** @default a fetch of cognitoTokenEndpoint */
  readonly requestToken?: ClientCredentialsFetch;
  /** Reuse a still-fresh token per (client, certificate, scopes). @default true */
  readonly reuseTokens?: boolean;
  /** @default console.log */
  readonly decisionLog?: DecisionLineWriter;
  /** Milliseconds clock. @default Date.now */
  readonly now?: () => number;
}

export interface ProxyEvent {
  readonly httpMethod?: unknown;
  readonly resource?: unknown;
  readonly path?: unknown;
  readonly headers?: unknown;
  readonly body?: unknown;
  readonly isBase64Encoded?: unknown;
  readonly requestContext?: unknown;
}

export interface ProxyResult {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export type TokenEndpointHandler = (event: ProxyEvent, context?: { readonly awsRequestId?: string }) => Promise<ProxyResult>;

/** The handler, and `close()` to stop its CRL refresh (tests, local gateway shutdown). */
export type ClosableTokenEndpoint = TokenEndpointHandler & { close(): void };

/** An RFC 6749 §5.2 error; `reason` is what the decision log says (never sent). */
class OAuthError extends Error {
  constructor(readonly status: number, readonly code: string, readonly description: string, readonly reason: DenyReason) {
    super(description);
  }
}

const JSON_HEADERS = { "content-type": "application/json;charset=UTF-8", "cache-control": "no-store", pragma: "no-cache" };
const MAX_BODY_BYTES = 16 * 1024;
const invalidClient = (reason: DenyReason = "invalid_client") => new OAuthError(401, "invalid_client", "Client authentication failed.", reason);

/** @throws TypeError when the options are invalid (a client's DN or thumbprint included) */
export function createTokenEndpoint(options: TokenEndpointOptions): ClosableTokenEndpoint {
  if ((options.registry === undefined) === (options.clients === undefined)) throw new TypeError("createTokenEndpoint: give exactly one of registry (a lookup by client id) and clients (a fixed map)");
  const fixed = options.clients === undefined ? undefined : parseTokenClients(options.clients);
  const lookup: TokenClientLookup = options.registry ?? (async (clientId) => fixed!.get(clientId));
  const scopesSupported = options.scopesSupported ?? [...fixed!.values()].flatMap((client) => client.scopes);
  const now = options.now ?? Date.now;
  const revocation = options.revocation === undefined ? undefined : new RevocationCheck(options.revocation);
  const requestToken = options.requestToken ?? cognitoClientCredentials();
  const reused = options.reuseTokens === false ? undefined : new IssuedTokenCache(now);
  const write = options.decisionLog ?? ((line: string) => console.log(line));
  const metadata = JSON.stringify(authorizationServerMetadata(options.baseUrl, options.issuer, scopesSupported));

  const endpoint: TokenEndpointHandler = async (event, context) => {
    const requestId = safeId(objectOf(event?.requestContext)?.requestId) ?? safeId(context?.awsRequestId);
    if (event?.httpMethod === "GET" && (event.resource === METADATA_PATH || event.path === METADATA_PATH)) {
      return { statusCode: 200, headers: { "content-type": "application/json", "cache-control": "max-age=300" }, body: metadata };
    }
    let clientId: string | undefined;
    let known: string | undefined;
    try {
      if (event?.httpMethod !== "POST") throw new OAuthError(405, "invalid_request", "The token endpoint takes POST only.", "event_invalid");
      const parameters = formOf(event);
      const grantType = parameters.get("grant_type");
      if (grantType === undefined) throw new OAuthError(400, "invalid_request", "grant_type is required.", "event_invalid");
      if (grantType !== "client_credentials") throw new OAuthError(400, "unsupported_grant_type", "This token endpoint serves grant_type=client_credentials only.", "event_invalid");
      if (parameters.has("client_secret") || headerOf(event.headers, "authorization") !== undefined) {
        throw new OAuthError(400, "invalid_request", "Authenticate with the client certificate only (RFC 8705): no client_secret, no Authorization header.", "event_invalid");
      }
      clientId = parameters.get("client_id");
      if (!clientId) throw new OAuthError(400, "invalid_request", "client_id is required (RFC 8705 §2).", "event_invalid");
      // No certificate, no registry read. An unknown client_id costs one SSM read a minute (the registry remembers absent ids).
      const pem = clientCertPemOf(event);
      if (pem === undefined) throw invalidClient();
      const client = await registrationOf(clientId);
      known = client?.clientId;
      if (!client) throw invalidClient();
      let x5tS256: string;
      try {
        x5tS256 = x5tS256FromPem(pem);
        if (!certificateAuthenticates(client, pem, x5tS256)) throw invalidClient();
      } catch (error) {
        if (error instanceof OAuthError) throw error;
        throw invalidClient();
      }
      if (revocation) {
        await revocation.pending();
        try {
          revocation.assertNotRevoked(x5tS256, pem);
        } catch (error) {
          if (error instanceof AccessDeniedError) throw invalidClient(error.reason);
          throw error;
        }
      }
      const scopes = requestedScopes(client, parameters.get("scope"));
      const cacheKey = IssuedTokenCache.key(client.clientId, x5tS256, scopes);
      const fresh = reused?.get(cacheKey);
      const token = fresh ?? (await issue(client, x5tS256, scopes));
      if (!fresh) reused?.set(cacheKey, token);
      logTokenDecision({ reason: TOKEN_ISSUED_REASON, requestId, clientId: client.clientId, reused: fresh !== undefined }, write);
      return { statusCode: 200, headers: JSON_HEADERS, body: JSON.stringify({ access_token: token.accessToken, token_type: "Bearer", expires_in: token.expiresIn, ...(scopes.length > 0 ? { scope: scopes.join(" ") } : {}) }) };
    } catch (error) {
      if (error instanceof OAuthError) {
        logTokenDecision({ reason: error.reason, requestId, clientId: known }, write);
        return { statusCode: error.status, headers: { ...JSON_HEADERS, ...(error.status === 405 ? { allow: "POST" } : {}) }, body: JSON.stringify({ error: error.code, error_description: error.description }) };
      }
      logTokenDecision({ reason: error instanceof TokenRequestError && error.error === "invalid_request" ? "voucher_invalid" : "internal_error", requestId, clientId: known }, write);
      return { statusCode: 500, headers: JSON_HEADERS, body: JSON.stringify({ error: "server_error" }) };
    }
  };
  return Object.assign(endpoint, { close: () => revocation?.close() });

  /** The client's registration; a registry that cannot answer or holds a broken entry fails closed (logged config_error). */
  async function registrationOf(clientId: string): Promise<TokenClient | undefined> {
    try {
      return await lookup(clientId);
    } catch {
      throw invalidClient("config_error");
    }
  }

  async function issue(client: TokenClient, x5tS256: string, scopes: string[]) {
    const voucher = await issueVoucher(options.voucherMac, client.clientId, x5tS256, now() / 1000);
    const clientSecret = await options.secrets(client.name);
    try {
      return await requestToken({ tokenEndpoint: options.cognitoTokenEndpoint, clientId: client.clientId, clientSecret, scopes, clientMetadata: { [VOUCHER_METADATA_KEY]: voucher } });
    } catch (error) {
      if (error instanceof TokenRequestError && error.error === "invalid_scope") throw new OAuthError(400, "invalid_scope", "A requested scope is not granted to this client.", "event_invalid");
      throw error;
    }
  }
}

/** RFC 8414 metadata; the token endpoint is on the mTLS domain, hence its alias too (RFC 8705 §5). */
export function authorizationServerMetadata(baseUrl: string, issuer: string, scopesSupported: readonly string[]): Record<string, unknown> {
  const tokenEndpoint = `${baseUrl.replace(/\/+$/, "")}${TOKEN_PATH}`;
  return {
    issuer,
    token_endpoint: tokenEndpoint,
    grant_types_supported: ["client_credentials"],
    token_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    tls_client_certificate_bound_access_tokens: true,
    mtls_endpoint_aliases: { token_endpoint: tokenEndpoint },
    scopes_supported: [...new Set(scopesSupported)].sort(),
  };
}

/** The requested scopes, each the client's; none requested → Cognito grants all of the client's. */
function requestedScopes(client: TokenClient, requested: string | undefined): string[] {
  if (requested === undefined || requested.trim() === "") return [];
  const scopes = [...new Set(requested.split(" ").filter((scope) => scope !== ""))];
  if (scopes.some((scope) => !client.scopes.includes(scope))) throw new OAuthError(400, "invalid_scope", "A requested scope is not granted to this client.", "event_invalid");
  return scopes;
}

/** The form body; RFC 6749 §3.2: no parameter twice. */
function formOf(event: ProxyEvent): Map<string, string> {
  const contentType = headerOf(event.headers, "content-type") ?? "";
  if (!/^application\/x-www-form-urlencoded\b/i.test(contentType)) throw new OAuthError(400, "invalid_request", "The body must be application/x-www-form-urlencoded.", "event_invalid");
  const raw = typeof event.body === "string" ? event.body : "";
  const body = event.isBase64Encoded === true ? Buffer.from(raw, "base64").toString("utf8") : raw;
  if (Buffer.byteLength(body) > MAX_BODY_BYTES) throw new OAuthError(400, "invalid_request", "Request body too large.", "event_invalid");
  const parameters = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(body)) {
    if (parameters.has(name)) throw new OAuthError(400, "invalid_request", `The parameter ${name.slice(0, 40)} appears more than once.`, "event_invalid");
    parameters.set(name, value);
  }
  return parameters;
}

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
}

function headerOf(headers: unknown, name: string): string | undefined {
  const entry = Object.entries(objectOf(headers) ?? {}).find(([key]) => key.toLowerCase() === name);
  return typeof entry?.[1] === "string" ? entry[1] : undefined;
}

function clientCertPemOf(event: ProxyEvent): string | undefined {
  const pem = objectOf(objectOf(objectOf(event.requestContext)?.identity)?.clientCert)?.clientCertPem;
  return typeof pem === "string" && pem !== "" ? pem : undefined;
}

/**
 * Lambda entry point, from MACHINE_BINDINGS_PATH (the machine-client registry's SSM path: each
 * client's registration, read when it asks), scopes-supported.json in its package, PUBLIC_BASE_URL,
 * USER_POOL_ID, COGNITO_TOKEN_ENDPOINT, CLIENT_SECRET_PARAMETER_PREFIX, VOUCHER_KEY_ID and the
 * authorizer's revocation settings (CRL_KEY, …). With configuration missing or invalid every
 * request gets 500 and a `config_error` decision line: no token.
 */
const environmentEndpoint: TokenEndpointHandler | undefined = (() => {
  try {
    const env = process.env;
    const region = env.AWS_REGION;
    if (!env.MACHINE_BINDINGS_PATH || !env.PUBLIC_BASE_URL || !env.USER_POOL_ID || !env.COGNITO_TOKEN_ENDPOINT || !env.CLIENT_SECRET_PARAMETER_PREFIX || !env.VOUCHER_KEY_ID || !region) return undefined;
    return createTokenEndpoint({
      registry: registryTokenClients(ssmMachineRegistry({ parameterPath: env.MACHINE_BINDINGS_PATH })),
      scopesSupported: scopesSupportedOf(readPackagedJson(SCOPES_SUPPORTED_FILE)),
      baseUrl: env.PUBLIC_BASE_URL,
      issuer: `https://cognito-idp.${region}.amazonaws.com/${env.USER_POOL_ID}`,
      cognitoTokenEndpoint: env.COGNITO_TOKEN_ENDPOINT,
      secrets: ssmClientSecrets({ parameterPrefix: env.CLIENT_SECRET_PARAMETER_PREFIX }),
      voucherMac: kmsVoucherMac({ keyId: env.VOUCHER_KEY_ID }),
      revocation: revocationFromEnvironment(env),
      decisionLog: writeToStdout,
    });
  } catch {
    return undefined;
  }
})();

function scopesSupportedOf(value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((scope) => typeof scope === "string")) throw new TypeError(`${SCOPES_SUPPORTED_FILE} must be a list of scopes`);
  return value;
}

export const handler: TokenEndpointHandler = async (event, context) => {
  if (environmentEndpoint) return environmentEndpoint(event, context);
  logTokenDecision({ reason: "config_error", requestId: safeId(context?.awsRequestId) }, writeToStdout);
  return { statusCode: 500, headers: JSON_HEADERS, body: JSON.stringify({ error: "server_error" }) };
};
