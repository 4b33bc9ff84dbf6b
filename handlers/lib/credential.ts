/**
 * Extracts the access token from the Authorization header of an API Gateway
 * REST event. Accepts `Bearer <jwt>` (scheme case-insensitive, RFC 6750 §2.1) and a
 * bare `<jwt>` (what the original sample's curl sends). Everything ambiguous is refused:
 * two Authorization values, another scheme, an empty value.
 *
 * Linear time on any input: the length is checked before anything else, and the scheme is
 * split off by scanning, not by a backtracking regex (`/^bearer[ \t]+(.*)$/i` took seconds
 * on a long run of spaces followed by a line break).
 */
import { AccessDeniedError } from "./errors";

/** Cognito access tokens are a few KB; anything far larger is not one of ours. */
export const MAX_TOKEN_CHARS = 16 * 1024;
/** Room for the scheme and the whitespace around the token; longer values are refused before any parsing. */
export const MAX_AUTHORIZATION_CHARS = MAX_TOKEN_CHARS + 64;

/**
 * Compact JWS shape; the signature part may be empty so that `alg: none` reaches the verifier
 * and is refused there. Anchored, and each run's class excludes the `.` after it: no backtracking.
 */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
/** An auth-scheme token (RFC 9110 §11.1); one character class, anchored both ends. */
const SCHEME = /^[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*$/;
const BEARER = "bearer";

/**
 * Returns the token, or throws AccessDeniedError with `missing_token`,
 * `multiple_tokens`, `unsupported_scheme` or `token_invalid`.
 */
export function extractAccessToken(headers: unknown, multiValueHeaders: unknown): string {
  const value = singleAuthorizationValue(headers, multiValueHeaders);
  if (value === undefined) throw new AccessDeniedError("missing_token");
  if (value.length > MAX_AUTHORIZATION_CHARS) throw new AccessDeniedError("token_invalid");
  const text = value.trim();
  if (text === "") throw new AccessDeniedError("missing_token");
  const gap = firstBlank(text);
  if (gap === -1) {
    if (text.toLowerCase() === BEARER) throw new AccessDeniedError("missing_token");
    return checkedToken(text);
  }
  const scheme = text.slice(0, gap);
  if (scheme.toLowerCase() === BEARER) return checkedToken(text.slice(skipBlanks(text, gap)));
  if (SCHEME.test(scheme)) throw new AccessDeniedError("unsupported_scheme");
  return checkedToken(text); // not a scheme: the whitespace makes it an invalid token
}

function checkedToken(token: string): string {
  if (token === "") throw new AccessDeniedError("missing_token");
  if (token.length > MAX_TOKEN_CHARS || !COMPACT_JWS.test(token)) throw new AccessDeniedError("token_invalid");
  return token;
}

const isBlank = (code: number) => code === 0x20 || code === 0x09;

/** Index of the first space or tab, or -1. */
function firstBlank(text: string): number {
  for (let i = 0; i < text.length; i++) if (isBlank(text.charCodeAt(i))) return i;
  return -1;
}

/** Index of the first character at or after `from` that is not a space or tab. */
function skipBlanks(text: string, from: number): number {
  let i = from;
  while (i < text.length && isBlank(text.charCodeAt(i))) i++;
  return i;
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
