/**
 * The local pool's starting point: the stack's groups, and the demo user bound to the
 * development PKI's client.pem (re-bound when the PKI is new), whose password lives only in an
 * owner-readable file.
 */
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { x5tS256FromPem } from "../handlers/lib/thumbprint";
import type { CognitoIssuer } from "./cognito-issuer";

export const DEMO_USERNAME = "demo";

/** The stack's groups, created in the issuer as Terraform creates them in the pool. */
export async function ensureGroups(issuer: CognitoIssuer, userPoolId: string, groups: readonly string[]): Promise<void> {
  for (const group of groups) {
    if (!issuer.groups.get(group)) await issuer.call("CreateGroup", { UserPoolId: userPoolId, GroupName: group, Description: "From the stack (api.groupScopes)" });
  }
}

/** The demo user, bound to client.pem; its password lives only in an owner-readable file. */
export async function ensureDemoUser(issuer: CognitoIssuer, userPoolId: string, passwordFile: string, clientPem: string): Promise<void> {
  const existing = issuer.users.get(DEMO_USERNAME);
  const fingerprint = x5tS256FromPem(clientPem);
  if (existing) {
    // A new PKI (--fresh-pki) has a new client.pem: the demo user follows it.
    if (existing.attributes["custom:cert_fingerprint"] !== fingerprint) {
      await issuer.call("AdminUpdateUserAttributes", { UserPoolId: userPoolId, Username: DEMO_USERNAME, UserAttributes: [{ Name: "custom:cert_fingerprint", Value: fingerprint }] });
    }
    return;
  }
  const password = `Demo-${randomBytes(12).toString("base64url")}-7a`;
  writeFileSync(passwordFile, password, { mode: 0o600 });
  await issuer.call("AdminCreateUser", {
    UserPoolId: userPoolId,
    Username: DEMO_USERNAME,
    MessageAction: "SUPPRESS",
    UserAttributes: [
      { Name: "email", Value: "demo@example.com" },
      { Name: "email_verified", Value: "true" },
      { Name: "custom:cert_fingerprint", Value: fingerprint },
    ],
  });
  await issuer.call("AdminSetUserPassword", { UserPoolId: userPoolId, Username: DEMO_USERNAME, Password: password, Permanent: true });
}
