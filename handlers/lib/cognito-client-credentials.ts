/**
 * The token function's request to Cognito: `POST /oauth2/token` of the pool's domain with
 * `grant_type=client_credentials`, the client's id and secret (HTTP Basic, RFC 6749 §2.3.1), the
 * scopes and `aws_client_metadata` (URL-encoded JSON that Cognito hands to the V3_0 pre token
 * generation trigger as `clientMetadata`; Cognito developer guide, "The token issuer endpoint").
 *
 * Why the token endpoint and not GetClientToken: the SDK pinned here has GetClientTokenCommand, but
 * it needs the app client's explicit auth flow ALLOW_CLIENT_TOKEN_AUTH, which hashicorp/aws 5.100.0
 * does not know (its explicit_auth_flows validation lists no such value), so the stack could not
 * configure it.
 */

export interface ClientCredentialsRequest {
  readonly tokenEndpoint: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Empty: the client's configured scopes. */
  readonly scopes: readonly string[];
  readonly clientMetadata: Readonly<Record<string, string>>;
}

export interface IssuedToken {
  readonly accessToken: string;
  readonly expiresIn: number;
  readonly tokenType: string;
}

/** Cognito refused the request; `error` is its RFC 6749 §5.2 code (never its description, which may echo input). */
export class TokenRequestError extends Error {
  constructor(readonly status: number, readonly error: string) {
    super(`Cognito's token endpoint answered ${status} ${error}`);
  }
}

export type ClientCredentialsFetch = (request: ClientCredentialsRequest) => Promise<IssuedToken>;

/** @param timeoutMs the whole request, under the function's timeout */
export function cognitoClientCredentials(timeoutMs = 5000): ClientCredentialsFetch {
  return async (request) => {
    const body = new URLSearchParams({ grant_type: "client_credentials", aws_client_metadata: JSON.stringify(request.clientMetadata) });
    if (request.scopes.length > 0) body.set("scope", request.scopes.join(" "));
    const basic = Buffer.from(`${encodeURIComponent(request.clientId)}:${encodeURIComponent(request.clientSecret)}`).toString("base64");
    const response = await fetch(request.tokenEndpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${basic}`, accept: "application/json" },
      body: body.toString(),
      signal: AbortSignal.timeout(timeoutMs),
    });
    let answer: Record<string, unknown> = {};
    try {
      answer = (await response.json()) as Record<string, unknown>;
    } catch {
      // a non-JSON answer is an error below
    }
    if (!response.ok || typeof answer.access_token !== "string") {
      const code = typeof answer.error === "string" && /^[a-z_]{1,40}$/.test(answer.error) ? answer.error : "server_error";
      throw new TokenRequestError(response.status, code);
    }
    return {
      accessToken: answer.access_token,
      expiresIn: typeof answer.expires_in === "number" ? answer.expires_in : Number(answer.expires_in),
      tokenType: typeof answer.token_type === "string" ? answer.token_type : "Bearer",
    };
  };
}
