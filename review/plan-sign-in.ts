/**
 * The plan summary's rows on human sign-in: the app clients' password flows, MFA and the user
 * pool's deletion protection. Each is allowed either way (trials want the opposite of
 * production), so a production-unfriendly value is a warning (⚠️), never a failure.
 */
type Json = any; // terraform's plan JSON; every read is checked

interface Row { readonly check: string; readonly ok: boolean; readonly warning?: boolean; readonly seen: string }

const MFA_NOTES: Record<string, string> = {
  OFF: ": a password alone signs users in",
  // Enrolling needs the self-service scope, which the trigger suppresses (reference.md, "No self-service scope").
  OPTIONAL: ", software TOTP: users cannot enrol themselves, so most sign in with a password alone",
  ON: ", software TOTP",
};

const managedOfType = (resources: Json[], type: string) => resources.filter((r) => r?.mode === "managed" && r.type === type);

export function signInRows(resources: Json[]): Row[] {
  const pools = managedOfType(resources, "aws_cognito_user_pool");
  const userClients = managedOfType(resources, "aws_cognito_user_pool_client").filter((c) => !(c.values?.allowed_oauth_flows ?? []).includes("client_credentials"));
  if (pools.length === 0) return [];
  const rows: Row[] = [];
  const flows = userClients.map((c) => c.values?.explicit_auth_flows);
  const passwordFlows = flows.flatMap((f) => (Array.isArray(f) ? f.filter((x: string) => /PASSWORD_AUTH$/.test(x)) : []));
  const unknown = flows.some((f) => !Array.isArray(f));
  rows.push({
    check: "user sign-in with SRP; password flows only where wanted",
    ok: true,
    warning: unknown || passwordFlows.length > 0,
    seen: unknown ? "(unknown until apply)" : flows.map((f) => (f as string[]).join(", ")).join("; ") + (passwordFlows.length > 0 ? ` (the password is sent to Cognito: ${[...new Set(passwordFlows)].join(", ")})` : ""),
  });
  for (const pool of pools) {
    const mfa = pool.values?.mfa_configuration;
    rows.push({ check: "MFA for users (mfa_configuration)", ok: true, warning: mfa !== "ON", seen: mfa === undefined ? "(unknown until apply)" : `${String(mfa)}${typeof mfa === "string" && Object.hasOwn(MFA_NOTES, mfa) ? MFA_NOTES[mfa] : ""}` });
    const protection = pool.values?.deletion_protection;
    rows.push({ check: "user pool deletion protection", ok: true, warning: protection !== "ACTIVE", seen: protection === undefined ? "(unknown until apply)" : `${String(protection)}${protection !== "ACTIVE" ? ": a destroy deletes every user and certificate binding" : ""}` });
  }
  return rows;
}
