/**
 * ListUsers, as `aws cognito-idp list-users` calls it: a `Filter` of the form
 * `attribute = "value"` (exact) or `attribute ^= "value"` (prefix), `Limit` (at most 60) and
 * `PaginationToken`, `AttributesToGet`. Users come in username order; a token names the last
 * user of its page, so users created between pages are neither skipped nor repeated.
 */
import { CognitoError, requirePool, type CognitoOperation } from "./cognito-context";
import { describeUser } from "./cognito-user-attributes";
import type { StoredUser } from "./user-store";

const MAX_LIMIT = 60;
const MAX_FILTER_LENGTH = 256;

/** The attributes a Filter can search, and the value of each for a user. */
const SEARCHABLE: Readonly<Record<string, (user: StoredUser) => string | undefined>> = {
  username: (user) => user.username.toLowerCase(), // usernames are case-insensitive in our pool
  email: (user) => user.attributes.email,
  sub: (user) => user.sub,
  name: (user) => user.attributes.name,
  "cognito:user_status": (user) => user.status,
  status: (user) => (user.enabled ? "Enabled" : "Disabled"),
};

/** `name = "value"` or `name ^= "value"`; inside the quotes, `\"` and `\\` are escapes. */
const FILTER = /^ *([a-z_:]{1,32}) *(\^?=) *"((?:[^"\\]|\\.)*)" *$/;

export const listUsers: CognitoOperation = (context, input) => {
  requirePool(context, input);
  const limit = limitOf(input.Limit);
  const matches = filterOf(input.Filter);
  const after = input.PaginationToken === undefined ? undefined : usernameAfter(input.PaginationToken);
  const attributesToGet = attributeNamesOf(input.AttributesToGet);

  const candidates = context.users.list()
    .filter((user) => (after === undefined || user.username.toLowerCase() > after) && matches(user))
    .sort((a, b) => (a.username.toLowerCase() < b.username.toLowerCase() ? -1 : 1));
  const page = candidates.slice(0, limit);
  const last = page[page.length - 1];
  return {
    Users: page.map((user) => describeUser(user, "Attributes", attributesToGet)),
    ...(candidates.length > page.length && last ? { PaginationToken: Buffer.from(JSON.stringify({ after: last.username.toLowerCase() })).toString("base64url") } : {}),
  };
};

function limitOf(value: unknown): number {
  if (value === undefined) return MAX_LIMIT;
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > MAX_LIMIT) {
    throw new CognitoError("InvalidParameterException", `1 validation error detected: Value '${String(value).slice(0, 20)}' at 'limit' failed to satisfy constraint: Member must have value between 0 and ${MAX_LIMIT}`);
  }
  return value as number;
}

function filterOf(filter: unknown): (user: StoredUser) => boolean {
  if (filter === undefined || filter === "") return () => true;
  if (typeof filter !== "string" || filter.length > MAX_FILTER_LENGTH) throw new CognitoError("InvalidParameterException", `Filter must be a string of at most ${MAX_FILTER_LENGTH} characters.`);
  const parsed = FILTER.exec(filter);
  if (!parsed) throw new CognitoError("InvalidParameterException", 'Error while parsing filter: expected attribute = "value" or attribute ^= "value".');
  const [, attribute, operator, quoted] = parsed;
  const valueOf = Object.hasOwn(SEARCHABLE, attribute) ? SEARCHABLE[attribute] : undefined;
  if (!valueOf) throw new CognitoError("InvalidParameterException", `Invalid search attribute: ${attribute}. Searchable: ${Object.keys(SEARCHABLE).join(", ")}.`);
  const unescaped = quoted.replace(/\\(.)/g, "$1");
  const wanted = attribute === "username" ? unescaped.toLowerCase() : unescaped;
  return (user) => {
    const value = valueOf(user);
    return value !== undefined && (operator === "=" ? value === wanted : value.startsWith(wanted));
  };
}

/** The (lower-case) username a token continues after. */
function usernameAfter(token: unknown): string {
  try {
    const after = JSON.parse(Buffer.from(String(token), "base64url").toString("utf8")).after;
    if (typeof after === "string") return after;
  } catch {
    // fall through: not one of our tokens
  }
  throw new CognitoError("InvalidParameterException", "Invalid pagination token.");
}

function attributeNamesOf(value: unknown): Set<string> | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((name) => typeof name === "string")) throw new CognitoError("InvalidParameterException", "AttributesToGet must be a list of attribute names.");
  return new Set(value);
}
