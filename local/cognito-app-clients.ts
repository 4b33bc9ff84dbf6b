/**
 * App clients: CreateUserPoolClient for machine clients (a generated secret, client_credentials
 * only, custom scopes of the resource server) and DescribeUserPoolClient, which returns a
 * machine client's secret as Cognito does (`aws cognito-idp describe-user-pool-client`).
 */
import { CognitoError, requirePool, type CognitoOperation, type IssuerContext } from "./cognito-context";
import type { StoredMachineClient } from "./machine-client-store";

const CLIENT_NAME = /^[\w\s+=,.@-]{1,128}$/;

export const createUserPoolClient: CognitoOperation = (context, input) => {
  requirePool(context, input);
  const store = context.machineClients;
  if (!store) throw new CognitoError("InvalidParameterException", "This local pool has no machine clients.");
  if (typeof input.ClientName !== "string" || !CLIENT_NAME.test(input.ClientName)) {
    throw new CognitoError("InvalidParameterException", "ClientName must be 1-128 letters, digits, spaces or +=,.@_-.");
  }
  const flows = input.AllowedOAuthFlows;
  if (input.GenerateSecret !== true || !Array.isArray(flows) || flows.length !== 1 || flows[0] !== "client_credentials" || input.AllowedOAuthFlowsUserPoolClient !== true) {
    throw new CognitoError("InvalidParameterException", "The local issuer creates machine clients only: GenerateSecret true, AllowedOAuthFlows [\"client_credentials\"], AllowedOAuthFlowsUserPoolClient true (users sign in with the stack's app client).");
  }
  const scopes = input.AllowedOAuthScopes;
  if (!Array.isArray(scopes) || scopes.length === 0) {
    throw new CognitoError("InvalidOAuthFlowException", "client_credentials flow can not be selected without a custom scope: list AllowedOAuthScopes of the resource server.");
  }
  for (const scope of scopes) {
    if (typeof scope !== "string" || !context.resourceServerScopes.includes(scope)) {
      throw new CognitoError("ScopeDoesNotExistException", `Invalid scope requested: ${String(scope).slice(0, 256)}. Declared: ${context.resourceServerScopes.join(" ")}`);
    }
  }
  return { UserPoolClient: describeMachineClient(context, store.create(input.ClientName, [...new Set<string>(scopes)])) };
};

export const describeUserPoolClient: CognitoOperation = (context, input) => {
  requirePool(context, input);
  const machine = typeof input.ClientId === "string" ? context.machineClients?.get(input.ClientId) : undefined;
  if (machine) return { UserPoolClient: describeMachineClient(context, machine) };
  if (input.ClientId === context.clientId) return { UserPoolClient: describeUserClient(context) };
  throw new CognitoError("ResourceNotFoundException", `User pool client ${String(input.ClientId).slice(0, 128)} does not exist.`);
};

function describeMachineClient(context: IssuerContext, client: StoredMachineClient): Record<string, unknown> {
  return {
    UserPoolId: context.userPoolId,
    ClientName: client.clientName,
    ClientId: client.clientId,
    ClientSecret: client.clientSecret,
    CreationDate: client.created,
    LastModifiedDate: client.created,
    ExplicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH"],
    AllowedOAuthFlows: ["client_credentials"],
    AllowedOAuthScopes: [...client.allowedOAuthScopes],
    AllowedOAuthFlowsUserPoolClient: true,
    AccessTokenValidity: context.accessTokenSeconds / 60,
    TokenValidityUnits: { AccessToken: "minutes", IdToken: "minutes", RefreshToken: "days" },
    WriteAttributes: ["email"],
  };
}

function describeUserClient(context: IssuerContext): Record<string, unknown> {
  return {
    UserPoolId: context.userPoolId,
    ClientName: "local-client",
    ClientId: context.clientId,
    ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    AllowedOAuthFlowsUserPoolClient: false,
    AccessTokenValidity: context.accessTokenSeconds / 60,
    TokenValidityUnits: { AccessToken: "minutes", IdToken: "minutes", RefreshToken: "days" },
    ReadAttributes: ["email", "email_verified", "custom:cert_fingerprint"],
    WriteAttributes: ["email"],
  };
}
