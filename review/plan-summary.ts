/**
 * Turns `terraform show -json <plan>` output into Markdown for a pull-request comment:
 * change counts, the changed resources (replacements and deletions first), the security
 * posture of the certificate binding computed from the planned values, and the API's routes
 * with their required scopes and backends.
 */
import { acceptedIamException } from "./accepted-iam";
import { operationsChecks } from "./operations-checks";
import { quotaChecks } from "./quota-checks";
import { revocationRow } from "./plan-revocation";
import { deploymentAddressOf, plannedRoutes, routesMarkdown, type PlannedRoute } from "./plan-routes";
import { truststoreVersionRow } from "./plan-truststore";
import { accountSettingRow } from "./plan-account-setting";
import { signInRows } from "./plan-sign-in";
import { accessTablesMarkdown } from "./plan-machine-clients";
import { isTokenEndpointMethod } from "./token-endpoint-methods";

/** First line of every summary: lets a workflow find and update its own comment. */
export const SUMMARY_MARKER = "<!-- cbat-plan-summary -->";

type Json = any; // terraform's plan JSON is large and loosely typed; every read below is checked

export interface SecurityCheck {
  readonly check: string;
  readonly ok: boolean;
  /** ok, but worth a reviewer's look (⚠️); does not count as a failure. */
  readonly warning?: boolean;
  /** A warning that fails `--strict` (e.g. a plain http:// backend). */
  readonly strict?: boolean;
  readonly seen: string;
}

export interface SummaryOptions {
  /** The date runtime support is judged against. @default now */
  readonly today?: Date;
}

export interface ChangeCounts {
  readonly create: number;
  readonly update: number;
  readonly replace: number;
  readonly delete: number;
}

export interface PlanSummary {
  readonly markdown: string;
  readonly counts: ChangeCounts;
  readonly security: readonly SecurityCheck[];
  readonly securityFailures: number;
  /** The API's routes (from the stack's api_routes output); undefined when the plan has none. */
  readonly routes?: readonly PlannedRoute[];
}

/** The input is not `terraform show -json` output of a plan. */
export class PlanFormatError extends Error {}

interface PlannedResource {
  readonly address: string;
  readonly type: string;
  readonly mode: string;
  readonly values: Json;
}

export function summarizePlan(plan: Json, title?: string, options: SummaryOptions = {}): PlanSummary {
  if (plan === null || typeof plan !== "object" || !("planned_values" in plan) || !Array.isArray(plan.resource_changes ?? [])) {
    throw new PlanFormatError("not a Terraform plan in JSON: produce it with `terraform show -json tfplan > plan.json`");
  }
  const resources = plannedResources(plan.planned_values?.root_module);
  const changes = (plan.resource_changes ?? []).filter((c: Json) => c.mode !== "data" && !isNoop(c.change?.actions));
  const counts = countChanges(changes);
  const security = [...securityChecks(plan, resources), ...operationsChecks(resources, options.today ?? new Date()), ...quotaChecks(resources)];
  const securityFailures = security.filter((c) => !c.ok).length;
  const routes = plannedRoutes(plan);

  const lines = [
    SUMMARY_MARKER,
    `## Terraform plan${title ? `: ${escapeCell(title)}` : ""}`,
    "",
    `**${counts.create} to create, ${counts.update} to update, ${counts.replace} to replace, ${counts.delete} to delete**`,
    "",
    `### Security posture ${securityFailures === 0 ? "✅" : `❌ (${securityFailures} failing)`}${warningsNote(security)}`,
    "",
    "| check | status | value seen |",
    "| --- | --- | --- |",
    ...security.map((c) => `| ${c.check} | ${!c.ok ? "❌" : c.warning ? "⚠️" : "✅"} | ${escapeCell(c.seen)} |`),
    "",
    ...(routes ? routesMarkdown(routes, escapeCell, deploymentAddressOf(plan)) : []),
    ...accessTablesMarkdown(plan, escapeCell),
    "### Changed resources",
    "",
  ];
  if (changes.length === 0) {
    lines.push("No changes.");
  } else {
    lines.push("| action | resource |", "| --- | --- |");
    const labelled = changes.map((c: Json) => ({ action: actionOf(c.change.actions), address: String(c.address) }));
    const order = { delete: 0, replace: 1, update: 2, create: 3 } as const;
    labelled.sort((a: Json, b: Json) => order[a.action as keyof typeof order] - order[b.action as keyof typeof order] || a.address.localeCompare(b.address));
    for (const { action, address } of labelled) {
      const flag = action === "delete" || action === "replace" ? "⚠️ " : "";
      lines.push(`| ${flag}${action} | \`${escapeCell(address)}\` |`);
    }
  }
  return { markdown: `${lines.join("\n")}\n`, counts, security, securityFailures, routes };
}

function plannedResources(module: Json): PlannedResource[] {
  if (!module || typeof module !== "object") return [];
  const own = Array.isArray(module.resources) ? module.resources : [];
  const children = Array.isArray(module.child_modules) ? module.child_modules : [];
  return [...own, ...children.flatMap(plannedResources)];
}

const isNoop = (actions: unknown) => !Array.isArray(actions) || actions.every((a) => a === "no-op" || a === "read");

function actionOf(actions: string[]): keyof ChangeCounts {
  if (actions.includes("delete") && actions.includes("create")) return "replace";
  if (actions.includes("delete")) return "delete";
  if (actions.includes("update")) return "update";
  return "create";
}

function countChanges(changes: Json[]): ChangeCounts {
  const counts = { create: 0, update: 0, replace: 0, delete: 0 };
  for (const c of changes) counts[actionOf(c.change.actions)]++;
  return counts;
}

const warningsNote = (security: readonly SecurityCheck[]) => {
  const warnings = security.filter((c) => c.ok && c.warning).length;
  return warnings > 0 ? ` (${warnings} ⚠️ to look at)` : "";
};
const escapeCell = (text: string) => text.replace(/\|/g, "\\|").replace(/\r\n|[\r\n\u2028\u2029]/g, " ");
const first = (value: unknown) => (Array.isArray(value) ? value[0] : undefined);
const show = (value: unknown) => (value === undefined ? "(unknown until apply)" : JSON.stringify(value));

/** One row per security property; several resources of a type must all pass. */
function securityChecks(plan: Json, resources: PlannedResource[]): SecurityCheck[] {
  const ofType = (type: string) => resources.filter((r) => r.type === type && r.mode === "managed");
  const rows: SecurityCheck[] = [];
  const row = (check: string, type: string, evaluate: (values: Json) => { ok: boolean; seen: string }) => {
    const found = ofType(type);
    if (found.length === 0) {
      rows.push({ check, ok: false, seen: `no ${type} in the plan` });
      return;
    }
    const results = found.map((r) => ({ address: r.address, ...evaluate(r.values ?? {}) }));
    rows.push({
      check,
      ok: results.every((r) => r.ok),
      seen: results.map((r) => (found.length > 1 ? `${r.address}: ${r.seen}` : r.seen)).join("; "),
    });
  };

  row("mutual TLS on the custom domain, with a truststore", "aws_api_gateway_domain_name", (v) => {
    const uri = first(v.mutual_tls_authentication)?.truststore_uri;
    return { ok: typeof uri === "string" && uri.startsWith("s3://"), seen: uri === undefined ? "no mutual_tls_authentication" : String(uri) };
  });
  row("custom domain security policy TLS_1_2", "aws_api_gateway_domain_name", (v) => ({
    ok: v.security_policy === "TLS_1_2" || /^SecurityPolicy_TLS13/.test(String(v.security_policy)),
    seen: show(v.security_policy),
  }));
  row("default execute-api endpoint disabled", "aws_api_gateway_rest_api", (v) => ({
    ok: v.disable_execute_api_endpoint === true,
    seen: `disable_execute_api_endpoint = ${show(v.disable_execute_api_endpoint)}`,
  }));
  row("authorizer results not cached (TTL 0) or cached per certificate", "aws_api_gateway_authorizer", (v) => {
    const ttl = v.authorizer_result_ttl_in_seconds;
    const certAwareKey = typeof v.identity_source === "string" && v.identity_source.includes("context.identity.clientCert");
    return { ok: ttl === 0 || certAwareKey, seen: `TTL ${show(ttl)}, identity source ${show(v.identity_source)}` };
  });
  const methods = ofType("aws_api_gateway_method");
  const tokenEndpointMethods = methods.filter(isTokenEndpointMethod);
  const open = methods.filter((m) => m.values?.authorization !== "CUSTOM" && !isTokenEndpointMethod(m));
  rows.push({
    check: "every method behind the certificate-bound authorizer",
    ok: methods.length > 0 && open.length === 0,
    seen: methods.length === 0 ? "no aws_api_gateway_method in the plan"
      : open.length === 0 ? `${methods.length - tokenEndpointMethods.length} of ${methods.length - tokenEndpointMethods.length} methods: authorization CUSTOM${tokenEndpointMethods.length > 0 ? `; ${tokenEndpointMethods.length} of the mTLS token endpoint without it, by design (the certificate authenticates the client)` : ""}`
      : `not CUSTOM: ${open.map((m) => `${m.address} (${show(m.values?.authorization)})`).join(", ")}`,
  });
  // V2_0 binds user tokens only: Cognito would issue client_credentials tokens without calling it.
  const machineClients = ofType("aws_cognito_user_pool_client").filter((c) => Array.isArray(c.values?.allowed_oauth_flows) && c.values.allowed_oauth_flows.includes("client_credentials"));
  row("pre token generation trigger V3_0 (V2_0 only without client_credentials clients)", "aws_cognito_user_pool", (v) => {
    const version = first(first(v.lambda_config)?.pre_token_generation_config)?.lambda_version;
    const ok = version === "V3_0" || (version === "V2_0" && machineClients.length === 0);
    const unbound = version === "V2_0" && machineClients.length > 0 ? ` with ${machineClients.length} client_credentials client(s), whose tokens it would leave unbound` : "";
    return { ok, seen: version === undefined ? "no pre token generation trigger" : `${String(version)}${unbound}` };
  });
  row("user pool tier ESSENTIALS or PLUS", "aws_cognito_user_pool", (v) => ({
    ok: v.user_pool_tier === "ESSENTIALS" || v.user_pool_tier === "PLUS",
    seen: show(v.user_pool_tier),
  }));
  // Every client in the plan (row() evaluates each resource of the type, in child modules too).
  row("custom:cert_fingerprint not writable by app clients", "aws_cognito_user_pool_client", (v) => {
    const writable = v.write_attributes;
    // An empty list means "every writable attribute", custom ones included.
    const ok = Array.isArray(writable) && writable.length > 0 && !writable.some((a) => String(a).toLowerCase() === "custom:cert_fingerprint");
    return { ok, seen: `write_attributes = ${show(writable)}` };
  });
  rows.push(iamWildcardCheck(plan, resources));
  rows.push(revocationRow(plan));
  rows.push(truststoreVersionRow(plan));
  rows.push(accountSettingRow(plan));
  rows.push(...signInRows(resources));
  return rows;
}

/** A resource naming everything: "*", or an ARN whose whole resource part is "*". */
const isWildcardResource = (r: unknown) => r === "*" || (typeof r === "string" && /^arn:[^:]+:[^:]+:[^:]*:[^:]*:\*$|^arn:[^:]+:s3:::\*$/.test(r));

function iamWildcardCheck(plan: Json, resources: PlannedResource[]): SecurityCheck {
  const findings: string[] = [];
  const accepted = new Set<string>();
  let unknownPolicies = 0;
  const inspectDocument = (where: string, document: unknown) => {
    if (typeof document !== "string") {
      unknownPolicies++;
      return;
    }
    let parsed: Json;
    try {
      parsed = JSON.parse(document);
    } catch {
      findings.push(`${where}: unparsable policy`);
      return;
    }
    [parsed.Statement].flat().forEach((s: Json, i: number) => {
      if (!s) return;
      const actions = [s.Action ?? [], s.NotAction ?? []].flat();
      const wildAction = actions.find((a: unknown) => typeof a === "string" && a.includes("*"));
      const wildResource = [s.Resource ?? []].flat().find(isWildcardResource) ?? (s.NotResource ? "NotResource" : undefined);
      const exception = acceptedIamException({ statement: s });
      if (exception && (wildAction || wildResource)) accepted.add(exception);
      else if (wildAction || wildResource) findings.push(`${where} statement ${s.Sid ?? i}: ${[wildAction, wildResource].filter(Boolean).join(", ")}`);
    });
  };
  for (const r of resources.filter((x) => x.mode === "managed")) {
    if (["aws_iam_role_policy", "aws_iam_policy", "aws_iam_user_policy", "aws_iam_group_policy"].includes(r.type)) inspectDocument(r.address, r.values?.policy);
    if (r.type === "aws_iam_role") for (const inline of r.values?.inline_policy ?? []) inspectDocument(`${r.address} inline`, inline?.policy);
    if (r.type === "aws_iam_role" && (r.values?.managed_policy_arns ?? []).length > 0) findings.push(`${r.address}: managed policies ${r.values.managed_policy_arns.join(", ")}`);
    if (r.type === "aws_iam_role_policy_attachment") {
      const exception = acceptedIamException({ managedPolicyArn: r.values?.policy_arn });
      if (exception) accepted.add(exception);
      else findings.push(`${r.address}: managed policy ${r.values?.policy_arn ?? "(unknown)"}`);
    }
  }
  // Policies built from aws_iam_policy_document are often unknown until apply; their
  // statements (actions at least) are visible in the data sources themselves.
  const documents = [
    ...plannedResources(plan.prior_state?.values?.root_module).filter((r) => r.mode === "data").map((r) => ({ address: r.address, type: r.type, values: r.values })),
    ...(plan.resource_changes ?? []).filter((c: Json) => c.mode === "data").map((c: Json) => ({ address: c.address, type: c.type, values: c.change?.after })),
  ].filter((d) => d.type === "aws_iam_policy_document");
  const seen = new Set<string>();
  for (const d of documents) {
    if (seen.has(d.address)) continue;
    seen.add(d.address);
    (d.values?.statement ?? []).forEach((s: Json, i: number) => {
      const wildAction = [s?.actions ?? [], s?.not_actions ?? []].flat().find((a: unknown) => typeof a === "string" && a.includes("*"));
      const wildResource = (s?.resources ?? []).find(isWildcardResource);
      if (wildAction || wildResource) findings.push(`${d.address} statement ${s?.sid || i}: ${[wildAction, wildResource].filter(Boolean).join(", ")}`);
    });
  }
  const note = [
    unknownPolicies > 0 ? ` (${unknownPolicies} policies known only after apply; checked through their policy documents)` : "",
    accepted.size > 0 ? `; accepted: ${[...accepted].join("; ")}` : "",
  ].join("");
  return {
    check: "IAM statements with wildcard actions or resources",
    ok: findings.length === 0,
    seen: findings.length === 0 ? `0${note}` : `${findings.length}: ${findings.join("; ")}`,
  };
}
