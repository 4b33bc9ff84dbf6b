/**
 * `POST /oauth2/token` of the pool's domain, for machine clients, as Cognito answers it:
 * an `application/x-www-form-urlencoded` body with `grant_type=client_credentials` and an
 * optional `scope`; the client authenticated by HTTP Basic (`client_id:client_secret`) or by
 * `client_id` and `client_secret` in the body; `{"access_token", "expires_in", "token_type"}`
 * or an OAuth error (RFC 6749 §5.2). Before signing, the pre token generation trigger runs with
 * a V3_0 client-credentials event: it binds the token to the client's registered certificate,
 * or throws, and then no token is issued. Nothing is logged; a secret is never echoed.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { applyOverrides } from "./cognito-auth-flows";
import type { IssuerContext } from "./cognito-context";
import type { StoredMachineClient } from "./machine-client-store";
import { BodyTooLargeError, readBody } from "./read-body";

export const TOKEN_PATH = "/oauth2/token";
const MAX_BODY_BYTES = 16 * 1024;

/** An OAuth error response: RFC 6749 §5.2 code, HTTP status, description (never a secret). */
class OAuthError extends Error {
  constructor(readonly code: string, readonly status: number, description: string, readonly headers: Record<string, string> = {}) {
    super(description);
  }
}

export function tokenEndpoint(context: IssuerContext): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json;charset=UTF-8", "cache-control": "no-store", pragma: "no-cache", ...headers });
      res.end(JSON.stringify(body));
    };
    try {
      if (req.method !== "POST") throw new OAuthError("invalid_request", 405, "The token endpoint takes POST only.", { allow: "POST" });
      if (!/^application\/x-www-form-urlencoded\b/i.test(String(req.headers["content-type"] ?? ""))) {
        throw new OAuthError("invalid_request", 400, "The body must be application/x-www-form-urlencoded.");
      }
      const parameters = await readForm(req);
      const client = authenticate(context, req.headers.authorization, parameters);
      const grantType = parameters.get("grant_type");
      if (grantType === undefined) throw new OAuthError("invalid_request", 400, "grant_type is required.");
      if (grantType !== "client_credentials") throw new OAuthError("unsupported_grant_type", 400, "This token endpoint serves grant_type=client_credentials only.");
      const scopes = grantedScopes(client, parameters.get("scope"));
      const clientMetadata = clientMetadataOf(parameters.get("aws_client_metadata"));
      send(200, { access_token: await issueMachineToken(context, client, scopes, clientMetadata), expires_in: context.accessTokenSeconds, token_type: "Bearer" });
    } catch (error) {
      if (error instanceof OAuthError) return send(error.status, { error: error.code, error_description: error.message }, error.headers);
      send(500, { error: "server_error" });
    }
  };
}

/** The form's parameters; RFC 6749 §3.2: none may appear twice. */
async function readForm(req: IncomingMessage): Promise<Map<string, string>> {
  let body: string;
  try {
    body = (await readBody(req, MAX_BODY_BYTES)).toString("utf8");
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new OAuthError("invalid_request", 400, "Request body too large.");
    throw error;
  }
  const parameters = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(body)) {
    if (parameters.has(name)) throw new OAuthError("invalid_request", 400, `The parameter ${name.slice(0, 40)} appears more than once.`);
    parameters.set(name, value);
  }
  return parameters;
}

/** HTTP Basic or client_id/client_secret in the body, not both (RFC 6749 §2.3.1). */
function authenticate(context: IssuerContext, authorization: string | undefined, parameters: Map<string, string>): StoredMachineClient {
  const basic = authorization !== undefined ? /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(authorization) : null;
  if (authorization !== undefined && !basic) throw new OAuthError("invalid_client", 401, "Client authentication failed: use HTTP Basic with client_id:client_secret.", { "www-authenticate": 'Basic realm="token"' });
  if (basic && (parameters.has("client_id") || parameters.has("client_secret"))) {
    throw new OAuthError("invalid_request", 400, "Authenticate the client one way: HTTP Basic or client_id/client_secret in the body, not both.");
  }
  let clientId: string | undefined;
  let secret: string | undefined;
  if (basic) {
    const decoded = Buffer.from(basic[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    [clientId, secret] = colon === -1 ? [decoded, undefined] : [safeDecode(decoded.slice(0, colon)), safeDecode(decoded.slice(colon + 1))];
  } else {
    clientId = parameters.get("client_id");
    secret = parameters.get("client_secret");
  }
  const client = clientId ? context.machineClients?.get(clientId) : undefined;
  // One answer for an unknown client and a wrong secret.
  if (!client || secret === undefined || !context.machineClients!.secretMatches(client, secret)) {
    throw new OAuthError("invalid_client", 401, "Client authentication failed.", basic ? { "www-authenticate": 'Basic realm="token"' } : {});
  }
  return client;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

/** The requested scopes, each one the client's; none requested → all of the client's. */
function grantedScopes(client: StoredMachineClient, requested: string | undefined): string[] {
  if (requested === undefined || requested.trim() === "") return [...client.allowedOAuthScopes];
  const scopes = [...new Set(requested.split(" ").filter((scope) => scope !== ""))];
  const refused = scopes.find((scope) => !client.allowedOAuthScopes.includes(scope));
  if (refused !== undefined) throw new OAuthError("invalid_scope", 400, `Invalid scope requested: ${refused.slice(0, 256)}`);
  return scopes;
}

/**
 * `aws_client_metadata`: URL-encoded JSON of string values, which Cognito hands to the V3_0
 * trigger as `request.clientMetadata` (the mTLS token endpoint's voucher travels there).
 */
function clientMetadataOf(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new OAuthError("invalid_request", 400, "aws_client_metadata must be a JSON object of strings.");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed) || !Object.values(parsed).every((v) => typeof v === "string")) {
    throw new OAuthError("invalid_request", 400, "aws_client_metadata must be a JSON object of strings.");
  }
  return parsed as Record<string, string>;
}

/** A Cognito-shaped client-credentials access token (`sub` is the client id), shaped by the trigger. */
async function issueMachineToken(context: IssuerContext, client: StoredMachineClient, requestedScopes: string[], clientMetadata?: Record<string, string>): Promise<string> {
  let scopes = requestedScopes;
  let overrides: Record<string, any> = {};
  // Cognito runs the trigger for client credentials only with V3_0 events: with the pool's trigger
  // at V2_0 the token is issued unshaped (no cnf), as on AWS, so the misconfiguration shows here
  // ("Version three event responses apply to access tokens from ... machine authentication",
  // https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html).
  if (context.preTokenGeneration && context.triggerEventVersion === "3") {
    const event = {
      version: context.triggerEventVersion,
      triggerSource: "TokenGeneration_ClientCredentials",
      region: context.region,
      userPoolId: context.userPoolId,
      callerContext: { awsSdkVersion: "aws-sdk-unknown-unknown", clientId: client.clientId },
      request: { userAttributes: {}, groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [], preferredRole: null }, scopes: [...scopes], ...(clientMetadata ? { clientMetadata } : {}) },
      response: { claimsAndScopeOverrideDetails: null },
    };
    let result: Record<string, any>;
    try {
      result = await context.preTokenGeneration(event);
    } catch (error) {
      throw new OAuthError("invalid_request", 400, `PreTokenGeneration failed with error ${(error as Error).message}.`);
    }
    overrides = result?.response?.claimsAndScopeOverrideDetails?.accessTokenGeneration ?? {};
    scopes = [...scopes.filter((s) => !(overrides.scopesToSuppress ?? []).includes(s)), ...(overrides.scopesToAdd ?? [])];
  }
  const now = Math.floor(Date.now() / 1000);
  const claims = applyOverrides({
    sub: client.clientId, token_use: "access", scope: scopes.join(" "), auth_time: now, iss: context.issuer,
    exp: now + context.accessTokenSeconds, iat: now, version: 2, jti: randomUUID(), client_id: client.clientId,
  }, overrides);
  return context.signer.sign(claims);
}
