/**
 * One structured JSON line per authorizer decision. Only ids and codes are
 * logged: never the token, the certificate, or claims other than `sub` and `client_id`.
 */
import type { DenyReason } from "./errors";

export interface DecisionLogEntry {
  readonly decision: "Allow" | "Deny";
  /** `cert_bound` for an Allow, a DenyReason otherwise. */
  readonly reason: "cert_bound" | DenyReason;
  readonly requestId?: string;
  readonly sub?: string;
  /** The token's app client: the user client, or a machine client (whose `sub` is the same id). */
  readonly clientId?: string;
}

const SAFE_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/** Keeps an id only if it looks like one, so hostile input cannot forge log content. */
export function safeId(value: unknown): string | undefined {
  return typeof value === "string" && SAFE_ID.test(value) ? value : undefined;
}

export function logDecision(entry: DecisionLogEntry): void {
  console.log(
    JSON.stringify({
      level: entry.decision === "Allow" ? "INFO" : "WARN",
      message: "authorizer decision",
      decision: entry.decision,
      reason: entry.reason,
      requestId: entry.requestId,
      sub: entry.sub,
      clientId: entry.clientId,
    }),
  );
}
