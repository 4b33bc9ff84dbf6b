/**
 * The local pool's attribute schema: which attributes exist, what values they accept
 * (as Cognito checks them), and how a user is described in responses.
 */
import { CognitoError } from "./cognito-context";
import type { StoredUser } from "./user-store";

const SCHEMA_ATTRIBUTES = new Set(["email", "email_verified", "name", "custom:cert_fingerprint"]);

/** `[{Name, Value}]` → `{name: value}`, refusing what Cognito refuses. */
export function attributesOf(list: unknown): Record<string, string> {
  if (list === undefined) return {};
  if (!Array.isArray(list)) throw new CognitoError("InvalidParameterException", "UserAttributes must be a list of {Name, Value}.");
  const attributes: Record<string, string> = {};
  for (const entry of list) {
    const name = entry?.Name;
    if (typeof name !== "string" || !SCHEMA_ATTRIBUTES.has(name)) {
      throw new CognitoError("InvalidParameterException", `Attributes did not conform to the schema: ${String(name).slice(0, 64)}: Attribute does not exist in the schema.`);
    }
    if (typeof entry.Value !== "string" || entry.Value.length > 256) {
      throw new CognitoError("InvalidParameterException", `Attributes did not conform to the schema: ${name} must be a string of at most 256 characters.`);
    }
    attributes[name] = entry.Value;
  }
  return attributes;
}

/** A user as Cognito's responses show it (`Attributes` in AdminCreateUser, `UserAttributes` in AdminGetUser). */
export function describeUser(user: StoredUser, attributesKey: "Attributes" | "UserAttributes") {
  return {
    Username: user.username,
    [attributesKey]: [{ Name: "sub", Value: user.sub }, ...Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value }))],
    UserCreateDate: user.created,
    UserLastModifiedDate: user.modified,
    Enabled: user.enabled,
    UserStatus: user.status,
  };
}
