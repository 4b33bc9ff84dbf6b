/**
 * plan:summary rows for running the stack in production: stage access logs, throttling, alarms
 * wired to a topic, and how long the functions' Lambda runtime is still supported. These read
 * the plan only (an independent check of what the stack synthesized), so AWS facts such as
 * runtime deprecation dates are kept here.
 */

type Json = any; // terraform's plan JSON; every read below is checked

export interface PlannedResource {
  readonly address: string;
  readonly type: string;
  readonly mode: string;
  readonly values: Json;
}

/** ✅ ok, ⚠️ ok with a warning (does not fail --strict), ❌ not ok. */
export interface OperationsCheck {
  readonly check: string;
  readonly ok: boolean;
  readonly warning?: boolean;
  readonly seen: string;
}

/**
 * Lambda's published deprecation dates (docs: "Lambda runtimes", supported runtimes table).
 * After the date no security patches; later, no updates to functions on it.
 */
export const RUNTIME_DEPRECATION: Readonly<Record<string, string>> = {
  "nodejs16.x": "2024-06-12",
  "nodejs18.x": "2025-09-01",
  "nodejs20.x": "2026-04-30",
  "nodejs22.x": "2027-04-30",
  "nodejs24.x": "2028-04-30",
};
/** Warn this long before a runtime's deprecation: time to plan a provider upgrade. */
export const RUNTIME_WARNING_DAYS = 180;

/** Fields an operator needs in every access log line (see stacks/access-logs.ts). */
const REQUIRED_ACCESS_LOG_FIELDS = ["requestId", "ip", "requestTime", "httpMethod", "resourcePath", "status", "responseLatency", "clientCertSerial", "clientCertSubject", "principalId", "errorResponseType"];
/** Context variables that would put a token or a whole certificate into the log. */
const SECRET_CONTEXT = /clientCertPem|\$input\.|\$method\.request\.header|Authorization/i;
const DAY_MS = 24 * 60 * 60 * 1000;

export function operationsChecks(resources: readonly PlannedResource[], today: Date): OperationsCheck[] {
  const ofType = (type: string) => resources.filter((r) => r.type === type && r.mode === "managed");
  return [accessLogCheck(ofType("aws_api_gateway_stage")), throttlingCheck(ofType("aws_api_gateway_method_settings")), alarmsCheck(ofType("aws_cloudwatch_metric_alarm")), runtimeCheck(ofType("aws_lambda_function"), today)];
}

function accessLogCheck(stages: readonly PlannedResource[]): OperationsCheck {
  const check = "stage access logs (JSON, with the client certificate, no secrets)";
  if (stages.length === 0) return { check, ok: false, seen: "no aws_api_gateway_stage in the plan" };
  const problems: string[] = [];
  let fields = 0;
  for (const stage of stages) {
    const format = stage.values?.access_log_settings?.[0]?.format;
    if (typeof format !== "string") {
      problems.push(`${stage.address}: no access_log_settings`);
      continue;
    }
    let parsed: Json;
    try {
      parsed = JSON.parse(format);
    } catch {
      problems.push(`${stage.address}: format is not JSON`);
      continue;
    }
    fields = Object.keys(parsed).length;
    const missing = REQUIRED_ACCESS_LOG_FIELDS.filter((field) => !(field in parsed));
    if (missing.length > 0) problems.push(`${stage.address}: missing ${missing.join(", ")}`);
    if (SECRET_CONTEXT.test(format)) problems.push(`${stage.address}: logs a token or the certificate PEM`);
  }
  return { check, ok: problems.length === 0, seen: problems.length === 0 ? `JSON, ${fields} fields incl. clientCertSerial, clientCertSubject` : problems.join("; ") };
}

function throttlingCheck(settings: readonly PlannedResource[]): OperationsCheck {
  const check = "throttling on every method of the stage";
  const limits = (r: PlannedResource) => r.values?.settings?.[0] ?? {};
  const limited = (r: PlannedResource) => Number(limits(r).throttling_rate_limit) > 0 && Number(limits(r).throttling_burst_limit) > 0;
  const all = settings.filter((r) => r.values?.method_path === "*/*");
  if (all.length === 0) return { check, ok: false, seen: "no aws_api_gateway_method_settings on */*: every request runs the authorizer, unlimited" };
  const unlimited = settings.filter((r) => !limited(r));
  const overrides = settings.length - all.length;
  return {
    check,
    ok: unlimited.length === 0,
    seen: unlimited.length > 0
      ? `throttling off (-1 or 0) on ${unlimited.map((r) => r.values?.method_path).join(", ")}`
      : `*/*: ${limits(all[0]).throttling_rate_limit} req/s, burst ${limits(all[0]).throttling_burst_limit}${overrides > 0 ? `; ${overrides} operation(s) with their own limits` : ""}`,
  };
}

function alarmsCheck(alarms: readonly PlannedResource[]): OperationsCheck {
  const check = "alarms wired to a topic";
  if (alarms.length === 0) return { check, ok: false, seen: "no aws_cloudwatch_metric_alarm in the plan" };
  const silent = alarms.filter((a) => !Array.isArray(a.values?.alarm_actions) || a.values.alarm_actions.length === 0);
  if (silent.length > 0) {
    return { check, ok: true, warning: true, seen: `${silent.length} of ${alarms.length} alarms notify nobody: set alarm_topic_arn` };
  }
  const topics = [...new Set(alarms.flatMap((a) => a.values.alarm_actions as string[]))];
  return { check, ok: true, seen: `${alarms.length} alarms → ${topics.join(", ")}` };
}

function runtimeCheck(functions: readonly PlannedResource[], today: Date): OperationsCheck {
  const check = "Lambda runtime support";
  if (functions.length === 0) return { check, ok: true, seen: "no aws_lambda_function in the plan" };
  const byRuntime = new Map<string, number>();
  for (const fn of functions) byRuntime.set(String(fn.values?.runtime), (byRuntime.get(String(fn.values?.runtime)) ?? 0) + 1);
  let ok = true;
  let warning = false;
  const seen = [...byRuntime].map(([runtime, count]) => {
    const date = RUNTIME_DEPRECATION[runtime];
    const functionsText = `${count} function${count === 1 ? "" : "s"}`;
    if (!date) {
      warning = true;
      return `${runtime} (${functionsText}): no deprecation date known here`;
    }
    const days = Math.ceil((Date.parse(`${date}T00:00:00Z`) - today.getTime()) / DAY_MS);
    if (days <= 0) {
      ok = false;
      return `${runtime} (${functionsText}): deprecated since ${date}; upgrade the provider and the runtime (docs/operations.md, "Upgrades")`;
    }
    if (days <= RUNTIME_WARNING_DAYS) {
      warning = true;
      return `${runtime} (${functionsText}): deprecated ${date}, in ${days} days; plan the provider upgrade (docs/operations.md, "Upgrades")`;
    }
    return `${runtime} (${functionsText}): supported until ${date}`;
  });
  return { check, ok, warning: ok && warning, seen: seen.join("; ") };
}
