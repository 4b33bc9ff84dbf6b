/**
 * API Gateway REST API Lambda REQUEST authorizer for certificate-bound access tokens
 * (RFC 8705). Allows a call only when
 * 1. the Authorization header carries one Cognito access token of our pool and of our user
 *    client or one of our machine clients, verified by aws-jwt-verify (signature, issuer,
 *    `token_use=access`, `client_id`, expiry),
 *    without a `crit` header, and with a lifetime no longer than the pool issues, and
 * 2. its `cnf.x5t#S256` equals the SHA-256 thumbprint of the client certificate that
 *    API Gateway received in the mutual-TLS handshake, and
 * 3. its `scope` claim carries every scope the route requires (route-scopes.json), and
 * 4. with revocation checking on, that certificate is not on its CA's current CRL.
 * A verified, bound token without a required scope gets a Deny policy (403, insufficient_scope);
 * every other outcome, including unexpected exceptions, is `Error("Unauthorized")` (401).
 */
import { CognitoJwtVerifier } from "aws-jwt-verify";
import { JwtExpiredError } from "aws-jwt-verify/error";
import { extractAccessToken } from "./lib/credential";
import { logDecision, safeId, writeToStdout, type DecisionLineWriter, type DecisionLogEntry } from "./lib/decision-log";
import { AccessDeniedError, CertificateFormatError } from "./lib/errors";
import { assertCertificateBound } from "./lib/binding";
import { claimsGrantScopes, parseRouteScopes, requiredScopesOf } from "./lib/route-scopes";
import { assertNoCriticalHeader } from "./lib/jws-header";
import { readPackagedJson, ROUTE_SCOPES_FILE } from "./lib/packaged-data";
import type { MachineBindingLookup } from "./lib/machine-bindings";
import { tokenClientCheck } from "./lib/token-client";
import {
  assertTokenLifetime, DEFAULT_ACCESS_TOKEN_VALIDITY_MINUTES, isAccessTokenValidityMinutes, validityMinutesFromEnvironment,
} from "./lib/token-lifetime";
import { CertificateThumbprintCache } from "./lib/thumbprint-cache";
import { VerifiedTokenCache, type VerifiedClaims } from "./lib/verified-token-cache";
import type { RevocationOptions } from "./lib/revocation-check";
import type { AuthorizerContextField } from "./lib/authorizer-context";
import {
  revocationCheckModule, revocationEnvironmentModule, revocationFileSourceModule, revocationS3SourceModule, ssmMachineBindingsModule,
} from "./lib/on-first-use";

export const fileRevocationSource: typeof import("./lib/revocation-file-source").fileRevocationSource = (options) => revocationFileSourceModule().fileRevocationSource(options);
export const s3RevocationSource: typeof import("./lib/revocation-s3-source").s3RevocationSource = (options) => revocationS3SourceModule().s3RevocationSource(options);
export type { RevocationOptions } from "./lib/revocation-check";
export type { RevocationSource } from "./lib/revocation-store";

export interface AuthorizerOptions {
  /** Cognito user pool id, e.g. `eu-west-1_AbCdEf123`; the token issuer is pinned to it. */
  readonly userPoolId: string;
  /** The user app client id; tokens of other clients than it and `machineClientIds` are refused. */
  readonly clientId: string;
  /**
   * App client ids of the machine clients (client_credentials), whose tokens pass the same
   * binding and scope checks (their `sub` is the client id).
   * @default none
   */
  readonly machineClientIds?: readonly string[];
  /**
   * The machine-client registry (the stack's SSM path): a token of a client it lists passes when
   * bound to the certificate it registers (lib/token-client.ts). The verifier then leaves the
   * client check to it. @default none: only clientId and machineClientIds
   */
  readonly machineClientRegistry?: MachineBindingLookup;
  /**
   * Preloaded JSON Web Key Set of the pool. Without it the pool's JWKS is fetched once
   * when the authorizer is created (Lambda cold start) and kept for the container's life.
   */
  readonly jwks?: { readonly keys: readonly object[] };
  /**
   * How many verified tokens to remember (until they expire) so that a token's signature
   * is checked once per container rather than on every call. 0 disables the cache.
   * @default 1000
   */
  readonly verifiedTokenCacheSize?: number;
  /**
   * Scopes each route requires, keyed `"<METHOD> <resource path>"` as in the event's
   * `httpMethod` and `resource` (e.g. `"GET /accounts/{id}"`); a route not listed is refused.
   * @default no table: the binding alone decides, on every route
   */
  readonly routeScopes?: Readonly<Record<string, readonly string[]>>;
  /**
   * The app client's access-token validity (Cognito: 5-1440 minutes). A token whose
   * `exp - iat` exceeds it by more than 5 minutes, or whose `iat` is missing or more than
   * 5 minutes in the future, is refused (`token_lifetime`).
   * @default 60, Cognito's default
   */
  readonly accessTokenValidityMinutes?: number;
  /**
   * Where the one decision line per request goes (its metrics and alarms are read from it).
   * @default console.log; the Lambda `handler` writes raw lines to stdout (see decision-log.ts)
   */
  readonly decisionLog?: DecisionLineWriter;
  /**
   * Certificate revocation: the CRL bundle and truststore source, loaded when the authorizer is
   * created and refreshed in the background. A listed certificate is refused (`cert_revoked`),
   * and every certificate whose CA has no current verified CRL (`crl_stale`).
   * @default off
   */
  readonly revocation?: RevocationOptions;
}

/** The subset of the API Gateway REQUEST authorizer event we read; everything is checked at run time. */
export interface RequestAuthorizerEvent {
  readonly type?: unknown;
  readonly methodArn?: unknown;
  readonly httpMethod?: unknown;
  readonly resource?: unknown;
  readonly headers?: unknown;
  readonly multiValueHeaders?: unknown;
  readonly requestContext?: unknown;
}

/** Scalar values only: API Gateway answers 500 to nested objects in the authorizer context. */
export type AuthorizerContext = { readonly [field in AuthorizerContextField]: string } & { readonly [key: string]: string | number | boolean };

export interface AuthorizerResult {
  readonly principalId: string;
  readonly policyDocument: {
    readonly Version: "2012-10-17";
    readonly Statement: ReadonlyArray<{ readonly Action: "execute-api:Invoke"; readonly Effect: "Allow" | "Deny"; readonly Resource: string }>;
  };
  readonly context: AuthorizerContext;
}

export type AuthorizerHandler = (event: RequestAuthorizerEvent, context?: { readonly awsRequestId?: string }) => Promise<AuthorizerResult>;

/** What API Gateway turns into a 401; the only error a caller ever sees. */
const UNAUTHORIZED = "Unauthorized";

/**
 * Creates the authorizer handler.
 * @throws Error at creation when the options are invalid (bad pool id, empty client id, malformed JWKS or route scopes).
 */
export function createAuthorizer(options: AuthorizerOptions): AuthorizerHandler {
  const verifier = createVerifier(options);
  const checkClient = tokenClientCheck(options.clientId, options.machineClientIds ?? [], options.machineClientRegistry);
  if (options.decisionLog !== undefined && typeof options.decisionLog !== "function") throw new TypeError("createAuthorizer: decisionLog must be a function (line: string) => void");
  const routeScopes = options.routeScopes === undefined ? undefined : parseRouteScopes(options.routeScopes);
  const verifiedTokens = new VerifiedTokenCache(options.verifiedTokenCacheSize ?? 1000);
  const thumbprints = new CertificateThumbprintCache();
  const revocation = options.revocation === undefined ? undefined : new (revocationCheckModule().RevocationCheck)(options.revocation);
  let keysReady = options.jwks ? Promise.resolve() : startHydration(verifier);
  const log = (entry: DecisionLogEntry) => logDecision(entry, options.decisionLog);

  return async (event, context) => {
    const requestId = safeId(requestContextOf(event)?.requestId) ?? safeId(context?.awsRequestId);
    let sub: string | undefined;
    let clientId: string | undefined;
    try {
      const methodArn = event?.methodArn;
      if (typeof methodArn !== "string" || !methodArn.startsWith("arn:")) throw new AccessDeniedError("event_invalid");
      const requiredScopes = routeScopes ? requiredScopesOf(routeScopes, event) : [];
      const token = extractAccessToken(event.headers, event.multiValueHeaders);
      const clientCert = clientCertOf(event);
      const presentedX5tS256 = thumbprintOf(clientCert.clientCertPem, thumbprints);
      if (revocation) {
        const firstLoad = revocation.pending(); // only a cold start's first requests wait
        if (firstLoad) await firstLoad;
        revocation.assertNotRevoked(presentedX5tS256, clientCert.clientCertPem as string);
      }

      try {
        await keysReady;
      } catch {
        keysReady = startHydration(verifier); // next request tries again; this one fails closed
        throw new AccessDeniedError("config_error");
      }
      const claims = verifiedTokens.get(token) ?? verifyToken(verifier, token, verifiedTokens);
      sub = safeId(claims.sub);
      clientId = safeId(claims.client_id);
      if (sub === undefined) throw new AccessDeniedError("token_invalid");
      assertCertificateBound(claims, presentedX5tS256);
      await checkClient(claims.client_id, presentedX5tS256);
      // RFC 6750 §3.1: the token is valid and bound, but not for this route: 403, not 401.
      const effect = claimsGrantScopes(claims, requiredScopes) ? "Allow" : "Deny";

      log(effect === "Allow" ? { decision: "Allow", reason: "cert_bound", requestId, sub, clientId } : { decision: "Deny", reason: "insufficient_scope", requestId, sub, clientId });
      return {
        principalId: sub,
        policyDocument: {
          Version: "2012-10-17",
          Statement: [{ Action: "execute-api:Invoke", Effect: effect, Resource: methodArn }],
        },
        context: {
          sub,
          username: stringClaim(claims.username),
          clientId: stringClaim(claims.client_id),
          scope: stringClaim(claims.scope),
          x5tS256: presentedX5tS256,
          certSubject: typeof clientCert.subjectDN === "string" ? clientCert.subjectDN.slice(0, 1024) : "",
        },
      };
    } catch (error) {
      const reason = error instanceof AccessDeniedError ? error.reason : "internal_error";
      log({ decision: "Deny", reason, requestId, sub, clientId });
      // A route the table does not list: 403 (Deny policy), like a missing scope; everything else 401.
      if (reason === "route_unknown" && typeof event?.methodArn === "string") return unknownRouteDeny(event.methodArn);
      throw new Error(UNAUTHORIZED);
    }
  };
}

/** The Deny policy for a route the authorizer's table does not list (API Gateway answers 403). */
function unknownRouteDeny(methodArn: string): AuthorizerResult {
  return {
    principalId: "route_unknown",
    policyDocument: { Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke", Effect: "Deny", Resource: methodArn }] },
    context: { sub: "", username: "", clientId: "", scope: "", x5tS256: "", certSubject: "" },
  };
}

type Verifier = ReturnType<typeof createVerifier>;

function createVerifier(options: AuthorizerOptions) {
  if (options === null || typeof options !== "object") throw new TypeError("createAuthorizer: options are required");
  const { userPoolId, clientId, machineClientIds = [], jwks, verifiedTokenCacheSize, accessTokenValidityMinutes = DEFAULT_ACCESS_TOKEN_VALIDITY_MINUTES } = options;
  if (!isAccessTokenValidityMinutes(accessTokenValidityMinutes)) {
    throw new TypeError("createAuthorizer: accessTokenValidityMinutes must be a whole number of minutes from 5 to 1440");
  }
  if (verifiedTokenCacheSize !== undefined && !(Number.isInteger(verifiedTokenCacheSize) && verifiedTokenCacheSize >= 0)) {
    throw new TypeError("createAuthorizer: verifiedTokenCacheSize must be a non-negative integer");
  }
  if (typeof clientId !== "string" || clientId.trim() === "") {
    throw new TypeError("createAuthorizer: clientId must be the user pool app client id (a non-empty string)");
  }
  if (!Array.isArray(machineClientIds) || !machineClientIds.every((id) => typeof id === "string" && id.trim() !== "")) {
    throw new TypeError("createAuthorizer: machineClientIds must be a list of app client ids (non-empty strings)");
  }
  let verifier;
  try {
    verifier = CognitoJwtVerifier.create({
      userPoolId,
      // With a registry, any client id passes here and tokenClientCheck decides after verification.
      clientId: options.machineClientRegistry ? null : machineClientIds.length === 0 ? clientId : [clientId, ...machineClientIds],
      tokenUse: "access",
      customJwtCheck: ({ header, payload }) => {
        assertNoCriticalHeader(header);
        requireExpiry({ payload });
        assertTokenLifetime(payload, accessTokenValidityMinutes);
      },
    });
  } catch {
    throw new TypeError("createAuthorizer: userPoolId must look like <region>_<id>, e.g. eu-west-1_AbCdEf123");
  }
  if (jwks !== undefined) {
    if (jwks === null || typeof jwks !== "object" || !Array.isArray(jwks.keys)) {
      throw new TypeError("createAuthorizer: jwks must be a JSON Web Key Set ({ keys: [...] })");
    }
    verifier.cacheJwks(jwks as Parameters<typeof verifier.cacheJwks>[0]);
  }
  return verifier;
}

/** aws-jwt-verify checks `exp` only when present; a bearer credential without expiry is refused. */
function requireExpiry({ payload }: { payload: { exp?: unknown } }): void {
  if (typeof payload.exp !== "number") throw new Error("access token has no exp claim");
}

function startHydration(verifier: Verifier): Promise<void> {
  const hydration = verifier.hydrate();
  hydration.catch(() => undefined); // awaited (and reported) by the first request
  return hydration;
}

/**
 * Verifies against the cached key set only: a token with an unknown `kid` is refused
 * instead of triggering a JWKS download, so no warm request ever reaches the network.
 */
function verifyToken(verifier: Verifier, token: string, verifiedTokens: VerifiedTokenCache): VerifiedClaims {
  try {
    const claims = verifier.verifySync(token) as unknown as VerifiedClaims; // requireExpiry guarantees exp
    verifiedTokens.set(token, claims);
    return claims;
  } catch (error) {
    if (error instanceof AccessDeniedError) throw error; // from our own checks in customJwtCheck
    throw new AccessDeniedError(error instanceof JwtExpiredError ? "token_expired" : "token_invalid");
  }
}

function requestContextOf(event: RequestAuthorizerEvent | undefined): Record<string, unknown> | undefined {
  const ctx = event?.requestContext;
  return ctx !== null && typeof ctx === "object" ? (ctx as Record<string, unknown>) : undefined;
}

function clientCertOf(event: RequestAuthorizerEvent): { clientCertPem?: unknown; subjectDN?: unknown } {
  const identity = requestContextOf(event)?.identity as Record<string, unknown> | null | undefined;
  const clientCert = identity !== null && typeof identity === "object" ? identity.clientCert : undefined;
  if (clientCert === null || typeof clientCert !== "object") throw new AccessDeniedError("cert_missing");
  return clientCert;
}

function thumbprintOf(pem: unknown, thumbprints: CertificateThumbprintCache): string {
  if (pem === undefined || pem === null || pem === "") throw new AccessDeniedError("cert_missing");
  if (typeof pem !== "string") throw new AccessDeniedError("cert_invalid");
  try {
    return thumbprints.thumbprintOf(pem);
  } catch (error) {
    if (error instanceof CertificateFormatError) throw new AccessDeniedError("cert_invalid");
    throw error;
  }
}

function stringClaim(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/**
 * Lambda entry point, configured from `USER_POOL_ID`, `USER_POOL_CLIENT_ID`, `MACHINE_CLIENT_IDS`
 * (comma-separated; absent or empty = none), `MACHINE_BINDINGS_PATH` (the machine-client registry's
 * SSM path; absent = none), the route table `route-scopes.json` in the function's
 * package (lib/packaged-data.ts; missing = every request refused), `ACCESS_TOKEN_VALIDITY_MINUTES` (optional, default 60) and, for
 * revocation checking, `CRL_KEY` with `TRUSTSTORE_BUCKET`, `TRUSTSTORE_KEY`,
 * `CRL_REFRESH_SECONDS`, `CRL_GRACE_SECONDS` (see lib/revocation-environment.ts).
 * Created at import so the JWKS download overlaps the cold start; importing never throws:
 * with missing or invalid configuration every request is refused (`config_error`).
 */
const environmentAuthorizer: AuthorizerHandler | undefined = (() => {
  try {
    const userPoolId = process.env.USER_POOL_ID;
    const clientId = process.env.USER_POOL_CLIENT_ID;
    const routeScopes = readPackagedJson(ROUTE_SCOPES_FILE) as Record<string, string[]>;
    const machineClientIds = (process.env.MACHINE_CLIENT_IDS ?? "").split(",").filter((id) => id !== "");
    const registryPath = process.env.MACHINE_BINDINGS_PATH;
    const machineClientRegistry = registryPath ? ssmMachineBindingsModule().ssmMachineBindings({ parameterPath: registryPath }) : undefined;
    const accessTokenValidityMinutes = validityMinutesFromEnvironment(process.env.ACCESS_TOKEN_VALIDITY_MINUTES);
    if (!userPoolId || !clientId) return undefined;
    const revocation = revocationEnvironmentModule().revocationFromEnvironment(process.env);
    return createAuthorizer({ userPoolId, clientId, machineClientIds, machineClientRegistry, accessTokenValidityMinutes, revocation, routeScopes, decisionLog: writeToStdout });
  } catch {
    return undefined;
  }
})();

export const handler: AuthorizerHandler = async (event, context) => {
  if (environmentAuthorizer) return environmentAuthorizer(event, context);
  logDecision({ decision: "Deny", reason: "config_error", requestId: safeId(context?.awsRequestId) }, writeToStdout);
  throw new Error(UNAUTHORIZED);
};
