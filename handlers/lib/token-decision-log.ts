/**
 * One JSON line per decision of the mTLS token endpoint, like the authorizer's (decision-log.ts):
 * `issued`, or the deny reason (invalid_client, cert_revoked, voucher_invalid, …). Only ids and
 * codes: never the certificate, the secret, the voucher or the token.
 */
import type { DecisionLineWriter } from "./decision-log";
import type { DenyReason } from "./errors";

/** The `message` the stack's metric filters select token-endpoint lines by. */
export const TOKEN_DECISION_MESSAGE = "token endpoint decision";
/** The reason of an Allow. */
export const TOKEN_ISSUED_REASON = "issued";

export interface TokenDecisionEntry {
  readonly reason: typeof TOKEN_ISSUED_REASON | DenyReason;
  readonly requestId?: string;
  readonly clientId?: string;
  /** Whether an issued token was a reused, still-fresh one (no Cognito request). */
  readonly reused?: boolean;
}

export function logTokenDecision(entry: TokenDecisionEntry, write: DecisionLineWriter): void {
  const allow = entry.reason === TOKEN_ISSUED_REASON;
  write(JSON.stringify({
    level: allow ? "INFO" : "WARN",
    message: TOKEN_DECISION_MESSAGE,
    decision: allow ? "Allow" : "Deny",
    reason: entry.reason,
    requestId: entry.requestId,
    clientId: entry.clientId,
    ...(entry.reused === undefined ? {} : { reused: entry.reused }),
  }));
}

/** Every reason the token endpoint logs: `issued`, then its deny reasons (a subset of DENY_REASONS). */
export const TOKEN_DECISION_REASONS = [TOKEN_ISSUED_REASON, "invalid_client", "cert_revoked", "crl_stale", "voucher_invalid", "event_invalid", "config_error", "internal_error"] as const satisfies ReadonlyArray<typeof TOKEN_ISSUED_REASON | DenyReason>;
