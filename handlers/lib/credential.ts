/**
 * Extracts the access token from the Authorization header of an API Gateway
 * REST event. Accepts `Bearer <jwt>` (scheme case-insensitive, RFC 6750 §2.1) and a
 * bare `<jwt>` (what the original sample's curl sends). Everything ambiguous is refused:
 * two Authorization values, another scheme, an empty value.
 */
import { AccessDeniedError } from "./errors";

/** Compact JWS shape; the signature part may be empty so that `alg: none` reaches the verifier and is refused there. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const BEARER = /^bearer[ \t]+(.*)$/i;
const OTHER_SCHEME = /^[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*[ \t]/;
/** Cognito access tokens are a few KB; anything far larger is not one of ours. */
const MAX_TOKEN_CHARS = 16 * 1024;

/**
 * Returns the token, or throws AccessDeniedError with `missing_token`,
 * `multiple_tokens`, `unsupported_scheme` or `token_invalid`.
 */
export function extractAccessToken(headers: unknown, multiValueHeaders: unknown): string {
  const value = singleAuthorizationValue(headers, multiValueHeaders);
  if (value === undefined) throw new AccessDeniedError("missing_token");
  const text = value.trim();
  if (text === "" || /^bearer$/i.test(text)) throw new AccessDeniedError("missing_token");
  const bearer = BEARER.exec(text);
  if (bearer) return checkedToken(bearer[1].trim());
  if (OTHER_SCHEME.test(text)) throw new AccessDeniedError("unsupported_scheme");
  return checkedToken(text);
}

function checkedToken(token: string): string {
  if (token === "") throw new AccessDeniedError("missing_token");
  if (token.length > MAX_TOKEN_CHARS || !COMPACT_JWS.test(token)) throw new AccessDeniedError("token_invalid");
  return token;
}

/**
 * The one Authorization value of the request. `headers` holds the last value per name,
 * `multiValueHeaders` all of them; header names are case-insensitive, so a request can
 * carry several under different spellings. More than one value, or the two maps
 * disagreeing, is refused.
 */
function singleAuthorizationValue(headers: unknown, multiValueHeaders: unknown): string | undefined {
  const single = authorizationEntries(headers);
  const multi = authorizationEntries(multiValueHeaders).flatMap((v) => (Array.isArray(v) ? v : [v]));
  for (const values of [single, multi]) {
    if (values.length > 1) throw new AccessDeniedError("multiple_tokens");
    if (values.some((v) => typeof v !== "string")) throw new AccessDeniedError("token_invalid");
  }
  const [fromSingle] = single as string[];
  const [fromMulti] = multi as string[];
  if (fromSingle !== undefined && fromMulti !== undefined && fromSingle !== fromMulti) {
    throw new AccessDeniedError("multiple_tokens");
  }
  return fromSingle ?? fromMulti;
}

/** Values of every key spelled `authorization` in any case; null/undefined values count as absent. */
function authorizationEntries(map: unknown): unknown[] {
  if (map === null || typeof map !== "object") return [];
  const values: unknown[] = [];
  for (const [name, value] of Object.entries(map)) {
    if (name.toLowerCase() === "authorization" && value !== null && value !== undefined) values.push(value);
  }
  return values;
}
