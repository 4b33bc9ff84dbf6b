/**
 * Bounds how long a validly signed access token can live. aws-jwt-verify checks `exp` but not
 * how far away it is, so a mis-issued (or insider-forged) token with `exp = 1e300`, or with an
 * `iat` years ahead, would otherwise stay usable forever. Cognito issues access tokens with
 * `exp - iat` equal to the app client's access-token validity, so anything longer is not one
 * Cognito issued under today's settings.
 */
import { AccessDeniedError } from "./errors";

/** Cognito's default access-token validity, and the authorizer's. */
export const DEFAULT_ACCESS_TOKEN_VALIDITY_MINUTES = 60;
/** Cognito's bounds for an app client's access-token validity. */
export const MIN_ACCESS_TOKEN_VALIDITY_MINUTES = 5;
export const MAX_ACCESS_TOKEN_VALIDITY_MINUTES = 1440;
/** Clock difference tolerated between Cognito and the authorizer. */
export const CLOCK_SKEW_SECONDS = 5 * 60;

/** True for a validity Cognito accepts: a whole number of minutes from 5 to 1440. */
export function isAccessTokenValidityMinutes(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= MIN_ACCESS_TOKEN_VALIDITY_MINUTES && (value as number) <= MAX_ACCESS_TOKEN_VALIDITY_MINUTES;
}

/**
 * The validity from an environment variable: undefined when unset (use the default), NaN when
 * it is not plain decimal digits (`Number("")` would be 0 and `Number(" 60")` 60), so that
 * createAuthorizer refuses it and the handler fails closed.
 */
export function validityMinutesFromEnvironment(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  return /^[0-9]{1,4}$/.test(value) ? Number(value) : NaN;
}

/**
 * Refuses (`token_lifetime`) a token whose `iat` is missing, more than CLOCK_SKEW_SECONDS in
 * the future, or whose `exp - iat` exceeds the validity plus CLOCK_SKEW_SECONDS. Expiry itself
 * is aws-jwt-verify's check.
 */
export function assertTokenLifetime(payload: { readonly iat?: unknown; readonly exp?: unknown }, validityMinutes: number, nowMs = Date.now()): void {
  const { iat, exp } = payload;
  if (typeof iat !== "number" || !Number.isFinite(iat) || typeof exp !== "number") throw new AccessDeniedError("token_lifetime");
  if (iat > nowMs / 1000 + CLOCK_SKEW_SECONDS) throw new AccessDeniedError("token_lifetime");
  // Written so that NaN or an infinite exp fails too.
  if (!(exp - iat <= validityMinutes * 60 + CLOCK_SKEW_SECONDS)) throw new AccessDeniedError("token_lifetime");
}
