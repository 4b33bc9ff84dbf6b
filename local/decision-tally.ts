/**
 * Decisions by reason, as an operator sees them on the dashboard, from what the local
 * environment writes: the authorizer's decision lines (<dir>/authorizer.log, the local twin of
 * its log group) and the stage's access log (<dir>/access.log). Requests API Gateway refuses
 * before the authorizer runs (no Authorization header, unknown route) and refused TLS handshakes
 * appear only in the access log, so both are read. `npm run local` prints the one-line summary
 * on Ctrl-C; `cbat decisions` prints the report for the last minutes.
 */
import type { AccessLogField } from "../stacks/access-logs";
import { isMissingAuthorization, MISSING_AUTHORIZATION_LABEL, NO_VALUE } from "../stacks/access-log-match";

export interface DecisionLine {
  readonly decision: "Allow" | "Deny";
  readonly reason: string;
  readonly requestId?: string;
}

export type AccessRecord = Readonly<Partial<Record<AccessLogField, string>>>;

const NOT_SET = NO_VALUE;

/** A decision line of handlers/lib/decision-log.ts, or undefined for any other line. */
export function parseDecisionLine(line: string): DecisionLine | undefined {
  try {
    const value = JSON.parse(line) as Record<string, unknown>;
    if (value?.message !== "authorizer decision" || (value.decision !== "Allow" && value.decision !== "Deny") || typeof value.reason !== "string") return undefined;
    return { decision: value.decision, reason: value.reason, requestId: typeof value.requestId === "string" ? value.requestId : undefined };
  } catch {
    return undefined;
  }
}

/** An access log line, or undefined when the line is not one. */
export function parseAccessLine(line: string): AccessRecord | undefined {
  try {
    const value = JSON.parse(line) as unknown;
    return value !== null && typeof value === "object" && "status" in value ? (value as AccessRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** Why a request ended before the authorizer ran, from its gateway response type. */
const REFUSED_BEFORE_AUTHORIZER: Readonly<Record<string, string>> = {
  // The dashboard's words for the stage's MissingAuthorization metric (stacks/access-log-metrics.ts).
  UNAUTHORIZED: MISSING_AUTHORIZATION_LABEL,
  MISSING_AUTHENTICATION_TOKEN: "unknown path or method",
  THROTTLED: "throttled",
};

const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));

export class DecisionTally {
  private readonly allow = new Map<string, number>();
  private readonly deny = new Map<string, number>();
  private readonly beforeAuthorizer = new Map<string, number>();
  private requests = 0;
  private handshakesRefused = 0;

  addDecision(decision: DecisionLine): void {
    count(decision.decision === "Allow" ? this.allow : this.deny, decision.reason);
  }

  addAccess(record: AccessRecord): void {
    if (record.status === undefined || record.status === NOT_SET) {
      this.handshakesRefused++; // no HTTP exchange, so no status
      return;
    }
    this.requests++;
    const responseType = record.errorResponseType ?? NOT_SET;
    // UNAUTHORIZED counts exactly what the stack's metric filter counts on AWS; a 401 the authorizer threw is its decision.
    const before = responseType === "UNAUTHORIZED" ? isMissingAuthorization(record) : (record.authorizerLatency ?? NOT_SET) === NOT_SET && responseType !== NOT_SET;
    if (before) count(this.beforeAuthorizer, responseType);
  }

  /** For Ctrl-C: one line. */
  summaryLine(): string {
    const total = (map: Map<string, number>) => [...map.values()].reduce((a, b) => a + b, 0);
    const list = (map: Map<string, number>) => sorted(map).map(([key, n]) => `${key} ${n}`).join(", ");
    const deny = total(this.deny);
    const before = total(this.beforeAuthorizer);
    return [
      `Decisions: ${total(this.allow)} Allow, ${deny} Deny${deny > 0 ? ` (${list(this.deny)})` : ""}`,
      `refused before the authorizer: ${before}${before > 0 ? ` (${list(this.beforeAuthorizer)})` : ""}`,
      `refused TLS handshakes: ${this.handshakesRefused}`,
      `${this.requests} requests`,
    ].join("; ");
  }

  /** For `cbat decisions`: a table, binding mismatches called out. */
  report(): string[] {
    const rows: string[] = [];
    for (const [reason, n] of sorted(this.allow)) rows.push(`  Allow  ${reason.padEnd(22)} ${String(n).padStart(6)}`);
    for (const [reason, n] of sorted(this.deny)) {
      rows.push(`  Deny   ${reason.padEnd(22)} ${String(n).padStart(6)}${reason === "cnf_mismatch" ? "   a valid token with another certificate: a stolen token being tried?" : ""}`);
    }
    if (rows.length === 0) rows.push("  (no authorizer decisions)");
    const before = sorted(this.beforeAuthorizer).map(([type, n]) => `  ${type.padEnd(29)} ${String(n).padStart(6)}   ${REFUSED_BEFORE_AUTHORIZER[type] ?? ""}`.trimEnd());
    return [
      ...rows,
      ...(before.length > 0 ? ["Refused before the authorizer (gateway responses):", ...before] : []),
      `Refused TLS handshakes: ${this.handshakesRefused}`,
      `Requests: ${this.requests}`,
    ];
  }
}
