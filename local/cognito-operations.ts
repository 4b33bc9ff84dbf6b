/**
 * The Cognito actions the local issuer answers, by their X-Amz-Target name. To add one,
 * write it in the file of its kind (sign-in, user administration, …) and list it here.
 */
import type { CognitoOperation } from "./cognito-context";
import { createUserPoolClient, describeUserPoolClient } from "./cognito-app-clients";
import { initiateAuth, adminInitiateAuth } from "./cognito-auth-flows";
import { adminAddUserToGroup, adminListGroupsForUser, adminRemoveUserFromGroup, createGroup, getGroup, listGroups } from "./cognito-groups";
import { listUsers } from "./cognito-list-users";
import {
  adminCreateUser, adminDeleteUserAttributes, adminGetUser, adminSetUserPassword, adminUpdateUserAttributes, adminUserGlobalSignOut,
} from "./cognito-user-admin";

export const COGNITO_OPERATIONS: Readonly<Record<string, CognitoOperation>> = {
  // Sign-in
  InitiateAuth: initiateAuth,
  AdminInitiateAuth: adminInitiateAuth,
  // User administration
  AdminCreateUser: adminCreateUser,
  AdminSetUserPassword: adminSetUserPassword,
  AdminUpdateUserAttributes: adminUpdateUserAttributes,
  AdminDeleteUserAttributes: adminDeleteUserAttributes,
  AdminUserGlobalSignOut: adminUserGlobalSignOut,
  AdminGetUser: adminGetUser,
  ListUsers: listUsers,
  // App clients (machine clients)
  CreateUserPoolClient: createUserPoolClient,
  DescribeUserPoolClient: describeUserPoolClient,
  // Groups
  CreateGroup: createGroup,
  GetGroup: getGroup,
  ListGroups: listGroups,
  AdminAddUserToGroup: adminAddUserToGroup,
  AdminRemoveUserFromGroup: adminRemoveUserFromGroup,
  AdminListGroupsForUser: adminListGroupsForUser,
};
