/**
 * The stage's access log, locally: the same JSON line per request as API Gateway writes to the
 * stage's log group, rendered from the synthesized stage's own `access_log_settings.format`, so
 * the field names are the stack's by construction. Values the local gateway does not have are
 * "-", as API Gateway writes them.
 */
import { AppendOnlyFile } from "./append-only-file";

/** `$context.<name>` → value, keyed by `<name>` (e.g. "identity.sourceIp"). */
export type ContextValues = Readonly<Record<string, string | undefined>>;

const CONTEXT_VARIABLE = /\$context\.([A-Za-z0-9_.]+)/g;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `$context.requestTime`'s format (CLF): `25/Nov/2026:10:00:00 +0000`. */
const two = (n: number) => (n < 10 ? `0${n}` : String(n));

export function requestTimeOf(date: Date): string {
  return `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}

/** The format's fields and their templates; throws naming the problem when it is not a JSON object of strings. */
export function parseAccessLogFormat(format: string): Readonly<Record<string, string>> {
  let template: unknown;
  try {
    template = JSON.parse(format);
  } catch {
    throw new Error("the stage's access log format is not JSON; the local access log writes JSON lines only");
  }
  if (template === null || typeof template !== "object" || Array.isArray(template) || !Object.values(template).every((v) => typeof v === "string")) {
    throw new Error("the stage's access log format must be a JSON object of string values");
  }
  return template as Record<string, string>;
}

/** Field → value, each `$context.x` of the template replaced. */
export function renderAccessLogRecord(template: Readonly<Record<string, string>>, values: ContextValues): Record<string, string> {
  return renderCompiled(compileAccessLogTemplate(template), values);
}

/**
 * Each field's template split once into text and `$context` names (alternating, text first), so
 * a request's line costs string concatenation only, not a regex replace per field.
 */
type CompiledTemplate = ReadonlyArray<readonly [field: string, parts: readonly string[]]>;

function compileAccessLogTemplate(template: Readonly<Record<string, string>>): CompiledTemplate {
  return Object.entries(template).map(([field, expression]) => [field, expression.split(CONTEXT_VARIABLE)] as const);
}

function renderCompiled(compiled: CompiledTemplate, values: ContextValues): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [field, parts] of compiled) {
    let value = parts[0];
    for (let i = 1; i < parts.length; i += 2) value += (values[parts[i]] ?? "-") + parts[i + 1];
    record[field] = value;
  }
  return record;
}

/** `<dir>/access.log`: one line per request, written at the end of the event-loop turn its response ended in. */
export class AccessLogFile {
  private readonly template: CompiledTemplate;
  private readonly out: AppendOnlyFile;

  constructor(readonly file: string, format: string) {
    this.template = compileAccessLogTemplate(parseAccessLogFormat(format));
    this.out = new AppendOnlyFile(file);
  }

  /** Appends the line and returns it as field → value. */
  write(values: ContextValues): Record<string, string> {
    const record = renderCompiled(this.template, values);
    // JSON.stringify escapes, unlike API Gateway's raw substitution: always one valid line.
    this.out.append(`${JSON.stringify(record)}\n`);
    return record;
  }

  close(): void {
    this.out.close();
  }
}
