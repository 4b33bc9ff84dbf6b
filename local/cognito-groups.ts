/**
 * Cognito groups, as the pool's administrators manage them: create a group, put a user in or
 * out, list a user's groups. Members' access tokens carry `cognito:groups`, and the pre token
 * generation trigger sees the groups in `groupConfiguration.groupsToOverride`, as on Cognito.
 */
import { CognitoError, requirePool, requireUser, type CognitoInput, type CognitoOperation, type IssuerContext } from "./cognito-context";
import type { StoredGroup } from "./group-store";

/** Cognito's GroupName rule. */
const GROUP_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;
const MAX_LIST = 60;

export const createGroup: CognitoOperation = (context, input) => {
  requirePool(context, input);
  if (typeof input.GroupName !== "string" || !GROUP_NAME.test(input.GroupName)) {
    throw new CognitoError("InvalidParameterException", "1 validation error detected: Value at 'groupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+ and length 1-128");
  }
  if (input.Description !== undefined && (typeof input.Description !== "string" || input.Description.length > 2048)) {
    throw new CognitoError("InvalidParameterException", "Description must be a string of at most 2048 characters.");
  }
  if (input.Precedence !== undefined && !(Number.isInteger(input.Precedence) && input.Precedence >= 0)) {
    throw new CognitoError("InvalidParameterException", "Precedence must be a non-negative integer.");
  }
  if (context.groups.get(input.GroupName)) throw new CognitoError("GroupExistsException", "A group with the name already exists.");
  return { Group: describeGroup(context, context.groups.create(input.GroupName, input.Description, input.Precedence)) };
};

export const getGroup: CognitoOperation = (context, input) => {
  requirePool(context, input);
  return { Group: describeGroup(context, requireGroup(context, input)) };
};

export const listGroups: CognitoOperation = (context, input) => {
  requirePool(context, input);
  return page(context, context.groups.list(), input);
};

export const adminAddUserToGroup: CognitoOperation = (context, input) => {
  requirePool(context, input);
  const user = requireUser(context, input);
  context.groups.addMember(requireGroup(context, input), user.username);
  return {};
};

export const adminRemoveUserFromGroup: CognitoOperation = (context, input) => {
  requirePool(context, input);
  const user = requireUser(context, input);
  context.groups.removeMember(requireGroup(context, input), user.username);
  return {};
};

export const adminListGroupsForUser: CognitoOperation = (context, input) => {
  requirePool(context, input);
  const user = requireUser(context, input);
  return page(context, context.groups.groupsOf(user.username), input);
};

function requireGroup(context: IssuerContext, input: CognitoInput): StoredGroup {
  const group = typeof input.GroupName === "string" ? context.groups.get(input.GroupName) : undefined;
  if (!group) throw new CognitoError("ResourceNotFoundException", "Group not found.");
  return group;
}

/** Limit (1-60) and NextToken (the index to resume at), as Cognito pages groups. */
function page(context: IssuerContext, groups: StoredGroup[], input: CognitoInput) {
  const limit = input.Limit === undefined ? MAX_LIST : input.Limit;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST) throw new CognitoError("InvalidParameterException", `Limit must be from 1 to ${MAX_LIST}.`);
  const start = input.NextToken === undefined ? 0 : Number.parseInt(String(input.NextToken), 10);
  if (!Number.isInteger(start) || start < 0 || String(start) !== String(input.NextToken ?? 0)) throw new CognitoError("InvalidParameterException", "Invalid NextToken.");
  const slice = groups.slice(start, start + limit);
  return { Groups: slice.map((group) => describeGroup(context, group)), ...(start + limit < groups.length ? { NextToken: String(start + limit) } : {}) };
}

function describeGroup(context: IssuerContext, group: StoredGroup) {
  return {
    GroupName: group.name,
    UserPoolId: context.userPoolId,
    ...(group.description !== undefined ? { Description: group.description } : {}),
    ...(group.precedence !== undefined ? { Precedence: group.precedence } : {}),
    CreationDate: group.created,
    LastModifiedDate: group.modified,
  };
}
