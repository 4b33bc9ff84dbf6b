/**
 * The local pool's attribute schema: which attributes exist, what values they accept
 * (as Cognito checks them), and how a user is described in responses.
 */
import { CognitoError } from "./cognito-context";
import type { StoredUser } from "./user-store";

const SCHEMA_ATTRIBUTES = new Set(["email", "email_verified", "name", "custom:cert_fingerprint"]);

/** Refuses a name outside the pool's schema, as Cognito does. */
export function assertSchemaAttribute(name: unknown): asserts name is string {
  if (typeof name !== "string" || !SCHEMA_ATTRIBUTES.has(name)) {
    throw new CognitoError("InvalidParameterException", `Attributes did not conform to the schema: ${String(name).slice(0, 64)}: Attribute does not exist in the schema.`);
  }
}

/** `[{Name, Value}]` → `{name: value}`, refusing what Cognito refuses. */
export function attributesOf(list: unknown): Record<string, string> {
  if (list === undefined) return {};
  if (!Array.isArray(list)) throw new CognitoError("InvalidParameterException", "UserAttributes must be a list of {Name, Value}.");
  const attributes: Record<string, string> = {};
  for (const entry of list) {
    const name = entry?.Name;
    assertSchemaAttribute(name);
    if (typeof entry.Value !== "string" || entry.Value.length > 256) {
      throw new CognitoError("InvalidParameterException", `Attributes did not conform to the schema: ${name} must be a string of at most 256 characters.`);
    }
    if (name === "email" && !isEmailAddress(entry.Value)) throw new CognitoError("InvalidParameterException", "Invalid email address format.");
    attributes[name] = entry.Value;
  }
  return attributes;
}

const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** local@domain: one "@", a local part without spaces or specials, a domain of two or more DNS labels. */
function isEmailAddress(value: string): boolean {
  const at = value.indexOf("@");
  if (at < 1 || at !== value.lastIndexOf("@")) return false;
  const local = value.slice(0, at);
  const labels = value.slice(at + 1).split(".");
  return local.length <= 64 && !/[\s\x00-\x1f\x7f"(),:;<>[\]\\]/.test(local) && !local.startsWith(".") && !local.endsWith(".") && !local.includes("..")
    && labels.length >= 2 && labels.every((label) => DOMAIN_LABEL.test(label));
}

/**
 * A user as Cognito's responses show it (`Attributes` in AdminCreateUser and ListUsers,
 * `UserAttributes` in AdminGetUser), with all attributes or `only` those named.
 */
export function describeUser(user: StoredUser, attributesKey: "Attributes" | "UserAttributes", only?: ReadonlySet<string>) {
  const attributes = [{ Name: "sub", Value: user.sub }, ...Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value }))];
  return {
    Username: user.username,
    [attributesKey]: only ? attributes.filter((attribute) => only.has(attribute.Name)) : attributes,
    UserCreateDate: user.created,
    UserLastModifiedDate: user.modified,
    Enabled: user.enabled,
    UserStatus: user.status,
  };
}
