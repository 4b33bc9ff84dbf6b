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

/** Where decision lines go: one line each, without a trailing newline. */
export type DecisionLineWriter = (line: string) => void;

/**
 * The Lambda function's own log, unaltered: raw stdout, one CloudWatch Logs event per line.
 * console.log would prefix the line with time, request id and level (Text log format) or wrap it
 * as an escaped string (JSON log format); either way a JSON metric filter could not read it.
 */
export const writeToStdout: DecisionLineWriter = (line) => void process.stdout.write(`${line}\n`);

/** @param write default console.log (tests, other hosts); the Lambda entry point passes writeToStdout. */
export function logDecision(entry: DecisionLogEntry, write: DecisionLineWriter = (line) => console.log(line)): void {
  write(
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
