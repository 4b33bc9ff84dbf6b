/**
 * The plan summary's revocation row: is the authorizer checking client certificates against
 * CRLs (`crl_key` set)? Off is allowed (it is the default) but is a warning, not a pass:
 * without it a stolen certificate and key keep working until the certificate expires.
 */
type Json = any; // terraform's plan JSON; every read is checked

export interface RevocationRow {
  readonly check: string;
  readonly ok: boolean;
  /** Shown as ⚠️: allowed, but a reviewer should know. */
  readonly warning?: boolean;
  readonly seen: string;
}

export const REVOCATION_CHECK = "client certificate revocation (CRL) checked by the authorizer";

export function revocationRow(plan: Json): RevocationRow {
  const variables = plan?.variables;
  if (!variables || !("crl_key" in variables)) return { check: REVOCATION_CHECK, ok: true, warning: true, seen: "no crl_key variable in the plan: revocation is not checked" };
  const key = variables.crl_key?.value;
  if (key === null || key === undefined || key === "") {
    return { check: REVOCATION_CHECK, ok: true, warning: true, seen: "off (crl_key = null): a stolen certificate and key keep working until the certificate expires" };
  }
  const refresh = variables.crl_refresh_seconds?.value;
  const grace = variables.crl_grace_seconds?.value;
  // Only the leaf: API Gateway passes the authorizer the client certificate alone (docs/operations.md).
  return { check: REVOCATION_CHECK, ok: true, seen: `crl_key = ${JSON.stringify(key)}, refreshed every ${refresh ?? "?"} s, stale ${grace ?? "?"} s after nextUpdate; client certificates only, intermediate CAs are not revocation-checked` };
}
