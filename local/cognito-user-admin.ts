/**
 * User administration, as the pool's administrators call it: create a user, set a password,
 * update or delete attributes (the certificate binding), read a user, sign a user out everywhere.
 */
import { CognitoError, requirePool, requireUser, type CognitoOperation } from "./cognito-context";
import { assertSchemaAttribute, attributesOf, describeUser } from "./cognito-user-attributes";

export const adminCreateUser: CognitoOperation = (context, input) => {
  requirePool(context, input);
  if (typeof input.Username !== "string" || !/^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u.test(input.Username)) {
    throw new CognitoError("InvalidParameterException", "Username must be 1-128 characters without spaces.");
  }
  if (context.users.get(input.Username)) throw new CognitoError("UsernameExistsException", "User account already exists.");
  const attributes = attributesOf(input.UserAttributes);
  if (input.TemporaryPassword !== undefined) checkPassword(input.TemporaryPassword);
  const user = context.users.create(input.Username, attributes, input.TemporaryPassword);
  return { User: describeUser(user, "Attributes") };
};

export const adminSetUserPassword: CognitoOperation = (context, input) => {
  requirePool(context, input);
  const user = requireUser(context, input);
  checkPassword(input.Password);
  context.users.setPassword(user, input.Password, input.Permanent === true);
  return {};
};

export const adminUpdateUserAttributes: CognitoOperation = (context, input) => {
  requirePool(context, input);
  const user = requireUser(context, input);
  context.users.updateAttributes(user, attributesOf(input.UserAttributes));
  return {};
};

/** Unbinding: the attributes named go; Cognito refuses names outside the schema and `sub`. */
export const adminDeleteUserAttributes: CognitoOperation = (context, input) => {
  requirePool(context, input);
  const user = requireUser(context, input);
  const names = input.UserAttributeNames;
  if (!Array.isArray(names) || names.length === 0 || !names.every((name) => typeof name === "string")) {
    throw new CognitoError("InvalidParameterException", "UserAttributeNames must be a non-empty list of attribute names.");
  }
  names.forEach(assertSchemaAttribute);
  context.users.deleteAttributes(user, names);
  return {};
};

/** Every refresh token of the user stops working (access tokens already issued run until they expire). */
export const adminUserGlobalSignOut: CognitoOperation = (context, input) => {
  requirePool(context, input);
  context.users.revokeRefreshTokens(requireUser(context, input));
  return {};
};

export const adminGetUser: CognitoOperation = (context, input) => {
  requirePool(context, input);
  return describeUser(requireUser(context, input), "UserAttributes");
};

/** Our pool's policy: at least 8 characters with lower and upper case, a digit and a symbol. */
function checkPassword(password: unknown): asserts password is string {
  if (typeof password !== "string" || password.length < 8 || password.length > 256 || !/[a-z]/.test(password) || !/[A-Z]/.test(password) || !/\d/.test(password) || !/[^A-Za-z0-9]/.test(password)) {
    throw new CognitoError("InvalidPasswordException", "Password does not conform to policy: at least 8 characters with lower and upper case letters, a number and a symbol.");
  }
}
