/**
 * Typed errors of the certificate-binding code, in the style of aws-jwt-verify:
 * one base class to catch them all, one subclass per failure so callers can
 * branch with `instanceof`. Messages never contain the offending input (it may be
 * a token, a certificate or a stored attribute value), only what is wrong with it.
 */
export class CertBindingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A client certificate (PEM or DER) could not be decoded to exactly one DER certificate. */
export class CertificateFormatError extends CertBindingError {}

/** A stored certificate fingerprint is not a recognisable encoding of 32 bytes. */
export class FingerprintFormatError extends CertBindingError {}

/** The user has no certificate bound (`custom:cert_fingerprint` is absent or empty). */
export class FingerprintMissingError extends CertBindingError {}

/** A CRL bundle or truststore cannot be used: unreadable, malformed, unsigned by a truststore CA, or unsupported. */
export class RevocationListError extends CertBindingError {}
/** A machine client (client_credentials) has no registered certificate, or the registry cannot be read. */
export class MachineBindingError extends CertBindingError {}

/** A `tls_client_auth` client's token request without a genuine, fresh voucher of its certificate (client-voucher.ts). */
export class VoucherError extends MachineBindingError {}

/**
 * Why the authorizer denied a request; logged as `reason`, never sent to the caller. The list
 * is the one source of the decision log's reasons, the metrics and the alarms.
 */
export const DENY_REASONS = [
  "config_error",
  "event_invalid",
  "missing_token",
  "multiple_tokens",
  "unsupported_scheme",
  "token_invalid",
  "token_expired",
  "token_lifetime",
  "cert_missing",
  "cert_invalid",
  "cert_revoked",
  "crl_stale",
  "cnf_missing",
  "cnf_invalid",
  "cnf_mismatch",
  "insufficient_scope",
  "route_unknown",
  "internal_error",
  // The mTLS token endpoint's (handlers/token-endpoint.ts); it also logs cert_revoked, crl_stale, config_error, internal_error.
  "invalid_client",
  "voucher_invalid",
] as const;

export type DenyReason = (typeof DENY_REASONS)[number];

/**
 * The denials answered 403 with a Deny policy instead of a thrown 401: a verified, bound token
 * without a route's scope, and a route the authorizer's table does not list (a stale deployment
 * still serving a removed route, or a probe). Neither is a broken configuration: no page.
 */
export const FORBIDDEN_REASONS = ["insufficient_scope", "route_unknown"] as const satisfies readonly DenyReason[];

/** A request the authorizer refuses; `reason` says why (for the decision log only). */
export class AccessDeniedError extends CertBindingError {
  constructor(readonly reason: DenyReason) {
    super(`access denied: ${reason}`);
  }
}
