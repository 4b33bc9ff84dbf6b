/**
 * Who gets which access, as a plan reviewer needs it: the **Machine clients** table (each
 * client's scopes, the certificate thumbprint its tokens are bound to, and whether this plan
 * adds or changes it) and the **Groups → scopes** table. Both come from outputs the stack
 * writes as literals at synth (`machine_client_bindings`, `group_scopes`), so they are known
 * in the plan even when the clients' ids (and so the SSM registry's value) are not.
 * To add a column (e.g. a client's auth method), add a field to the output and an entry to
 * MACHINE_CLIENT_COLUMNS.
 */
type Json = any; // terraform's plan JSON; every read is checked

export const MACHINE_CLIENTS_OUTPUT = "machine_client_bindings";
export const GROUP_SCOPES_OUTPUT = "group_scopes";

type Entry = Record<string, unknown>;
type Change = "new" | "added" | "changed" | "removed" | "unchanged";

/** Columns of the Machine clients table after the client's name: header and cell of an output entry. */
export const MACHINE_CLIENT_COLUMNS: ReadonlyArray<{ readonly header: string; readonly cell: (entry: Entry, code: (text: string) => string) => string }> = [
  { header: "scopes", cell: (e, code) => (Array.isArray(e.scopes) ? e.scopes.map((s) => code(String(s))).join(" ") : "(unknown)") },
  { header: "bound x5t#S256", cell: (e, code) => boundCell(e, code) },
];

/** The pinned thumbprint; for tls_client_auth, which certificates authenticate (any truststore CA is flagged). */
function boundCell(e: Entry, code: (text: string) => string): string {
  if (typeof e.x5t_s256 !== "string") return "(unknown)";
  if (e.x5t_s256 !== "tls_client_auth" || typeof e.subject_dn !== "string") return code(e.x5t_s256);
  const issuer = typeof e.issuer_dn === "string" ? `issuer ${code(e.issuer_dn)}` : "⚠️ any truststore CA (no issuerDn)";
  return `${code("tls_client_auth")}: the certificate presented, with subject ${code(e.subject_dn)}, ${issuer}`;
}

/** Each key of an object output, with its change in this plan; undefined when the plan has no such output. */
function keyedChanges(plan: Json, output: string): Array<{ key: string; entry: unknown; change: Change }> | undefined {
  const after = plan?.planned_values?.outputs?.[output]?.value;
  if (after === null || typeof after !== "object" || Array.isArray(after)) return undefined;
  const change = plan?.output_changes?.[output];
  const before = change && Array.isArray(change.actions) && !change.actions.includes("create") && change.before && typeof change.before === "object" ? change.before : undefined;
  const keys = [...new Set([...Object.keys(after), ...Object.keys(before ?? {})])].sort();
  return keys.map((key) => {
    const now = after[key];
    const was = before?.[key];
    const state: Change = !before ? "new" : was === undefined ? "added" : now === undefined ? "removed" : JSON.stringify(was) === JSON.stringify(now) ? "unchanged" : "changed";
    return { key, entry: now ?? was, change: state };
  });
}

const flagged = (change: Change) => `${change === "unchanged" || change === "new" ? "" : "⚠️ "}${change}`;

export function accessTablesMarkdown(plan: Json, escapeCell: (text: string) => string): string[] {
  // Backticks in a name (a DN, a group) must not end the code span early: a longer fence (CommonMark), padded.
  const code = (text: string) => {
    const fence = "`".repeat(Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length)) + 1);
    return fence.length === 1 ? `\`${escapeCell(text)}\`` : `${fence} ${escapeCell(text)} ${fence}`;
  };
  const lines: string[] = [];
  const clients = keyedChanges(plan, MACHINE_CLIENTS_OUTPUT);
  if (clients && clients.length > 0) {
    lines.push("### Machine clients", "", `| client | ${MACHINE_CLIENT_COLUMNS.map((c) => c.header).join(" | ")} | change |`, `| --- | ${MACHINE_CLIENT_COLUMNS.map(() => "---").join(" | ")} | --- |`);
    for (const { key, entry, change } of clients) {
      lines.push(`| ${code(key)} | ${MACHINE_CLIENT_COLUMNS.map((c) => c.cell((entry ?? {}) as Entry, code)).join(" | ")} | ${flagged(change)} |`);
    }
    lines.push("");
  }
  const groups = keyedChanges(plan, GROUP_SCOPES_OUTPUT);
  if (groups && groups.length > 0) {
    lines.push("### Groups → scopes", "", "| group | scopes | change |", "| --- | --- | --- |");
    for (const { key, entry, change } of groups) {
      const scopes = Array.isArray(entry) && entry.length > 0 ? entry.map((s) => code(String(s))).join(" ") : "none";
      lines.push(`| ${code(key)} | ${scopes} | ${flagged(change)} |`);
    }
    lines.push("");
  }
  return lines;
}
