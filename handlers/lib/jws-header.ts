/**
 * Checks on the JWS protected header that aws-jwt-verify does not make.
 *
 * RFC 7515 §4.1.11: a recipient that does not understand every extension listed in `crit`
 * must reject the JWS. aws-jwt-verify ignores `crit`, and Cognito never sets it, so any
 * token that carries it is refused rather than half-understood.
 */
import { AccessDeniedError } from "./errors";

/** @throws AccessDeniedError `token_invalid` when the header has a `crit` member (whatever its value). */
export function assertNoCriticalHeader(header: Readonly<Record<string, unknown>>): void {
  if (Object.prototype.hasOwnProperty.call(header, "crit")) throw new AccessDeniedError("token_invalid");
}
