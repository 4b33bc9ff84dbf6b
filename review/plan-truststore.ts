/**
 * The plan summary's truststore row: which S3 version of the truststore the custom domain
 * loads, old → new. API Gateway loads a new truststore only when this version changes (see
 * stacks/truststore-version.ts), so a reviewer sees here whether an upload takes effect.
 */
type Json = any; // terraform's plan JSON; every read is checked

export const TRUSTSTORE_VERSION_CHECK = "truststore version";

export interface TruststoreRow {
  readonly check: string;
  readonly ok: boolean;
  readonly warning?: boolean;
  readonly seen: string;
}

const versionOf = (values: Json): unknown => (Array.isArray(values?.mutual_tls_authentication) ? values.mutual_tls_authentication[0]?.truststore_version : undefined);

export function truststoreVersionRow(plan: Json): TruststoreRow {
  const domains = (plan?.resource_changes ?? []).filter((c: Json) => c?.mode === "managed" && c.type === "aws_api_gateway_domain_name");
  if (domains.length === 0) return { check: TRUSTSTORE_VERSION_CHECK, ok: false, seen: "no aws_api_gateway_domain_name in the plan" };
  const rows = domains.map((c: Json) => {
    const before = c.change?.before === null ? "(new)" : versionOf(c.change?.before) ?? "(latest at creation)";
    const unknown = versionOf(c.change?.after_unknown) === true;
    const after = unknown ? undefined : versionOf(c.change?.after);
    if (unknown) return { warning: true, seen: `${before} → (known after apply)` };
    if (after === null || after === undefined) {
      return { warning: true, seen: `${before} → latest (not known offline: plan with access to the truststore bucket to see which upload API Gateway loads, or pin truststore_version)` };
    }
    return { warning: false, seen: before === after ? `${String(after)} (unchanged)` : `${String(before)} → ${String(after)}` };
  });
  return {
    check: TRUSTSTORE_VERSION_CHECK,
    ok: true,
    warning: rows.some((r: { warning: boolean }) => r.warning),
    seen: rows.map((r: { seen: string }, i: number) => (rows.length > 1 ? `${domains[i].address}: ${r.seen}` : r.seen)).join("; "),
  };
}
