/**
 * One line a request on the `npm run local` console, once its response is sent: the status, the
 * authorizer's reason and the route, e.g. `401 cnf_mismatch GET /example`; a request refused
 * before the authorizer names API Gateway's response type instead (`401 UNAUTHORIZED GET
 * /example (before the authorizer)`). The HTTP response itself stays as AWS answers. Lines are
 * written at most once per event-loop turn, batched, so a busy gateway does not pay a terminal
 * write per request.
 */
import type { ContextValues } from "./access-log";
import type { DecisionLine } from "./decision-tally";

/** Requests whose decision waits for the response, at most: a request that never finishes must not pin memory. */
const MAX_PENDING = 10_000;

export class DecisionConsole {
  private readonly reasons = new Map<string, string>();
  private buffered: string[] = [];
  private flushScheduled = false;

  /** @param write receives one or more whole lines (no trailing newline). */
  constructor(private readonly write: (text: string) => void = (text) => console.log(text)) {}

  /** The authorizer's decision for a request (from its decision line). */
  decision(decision: DecisionLine): void {
    if (!decision.requestId) return;
    if (this.reasons.size >= MAX_PENDING) this.reasons.delete(this.reasons.keys().next().value as string);
    this.reasons.set(decision.requestId, decision.reason);
  }

  /** A request's access-log values once its response is sent. */
  request(values: ContextValues): void {
    const requestId = values.requestId;
    if (!requestId || !values.status) return; // a refused handshake: no request
    const reason = this.reasons.get(requestId);
    this.reasons.delete(requestId);
    const route = `${values.httpMethod ?? "-"} ${values.resourcePath ?? values.path ?? "-"}`;
    const responseType = values["error.responseType"];
    if (reason) this.line(`${values.status} ${reason} ${route}`);
    else if (responseType) this.line(`${values.status} ${responseType} ${route} (before the authorizer)`);
  }

  private line(text: string): void {
    this.buffered.push(text);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Writes what is buffered now (also called on stop). */
  flush(): void {
    this.flushScheduled = false;
    if (this.buffered.length === 0) return;
    const text = this.buffered.join("\n");
    this.buffered = [];
    this.write(text);
  }
}
