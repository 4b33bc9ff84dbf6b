/**
 * Sign-in: InitiateAuth with USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH. Before signing an
 * access token it runs the pre token generation trigger with a V2_0 or V3_0 event (as the pool
 * configures it) and applies its response, as Cognito does.
 */
import { randomUUID } from "node:crypto";
import { CognitoError, type CognitoOperation, type IssuerContext } from "./cognito-context";
import type { StoredUser } from "./user-store";

/** Claims a trigger may not change (Cognito refuses to override them too). */
export const RESERVED_CLAIMS = new Set(["iss", "sub", "aud", "client_id", "token_use", "exp", "iat", "auth_time", "jti", "origin_jti", "event_id", "username", "cognito:username", "scope"]);

export const initiateAuth: CognitoOperation = async (context, input) => {
  if (input.ClientId !== context.clientId) throw new CognitoError("ResourceNotFoundException", "User pool client does not exist.");
  const parameters = input.AuthParameters ?? {};
  if (input.AuthFlow === "USER_PASSWORD_AUTH") {
    const user = typeof parameters.USERNAME === "string" ? context.users.get(parameters.USERNAME) : undefined;
    // Same answer for unknown users and wrong passwords (prevent_user_existence_errors).
    if (!user || typeof parameters.PASSWORD !== "string" || !context.users.passwordMatches(user, parameters.PASSWORD)) {
      throw new CognitoError("NotAuthorizedException", "Incorrect username or password.");
    }
    if (!user.enabled) throw new CognitoError("NotAuthorizedException", "User is disabled.");
    if (user.status === "FORCE_CHANGE_PASSWORD") {
      return { ChallengeName: "NEW_PASSWORD_REQUIRED", Session: randomUUID(), ChallengeParameters: { USER_ID_FOR_SRP: user.username } };
    }
    const tokens = await issueTokens(context, user, "TokenGeneration_Authentication");
    return { AuthenticationResult: { ...tokens, RefreshToken: context.users.issueRefreshToken(user) }, ChallengeParameters: {} };
  }
  if (input.AuthFlow === "REFRESH_TOKEN_AUTH" || input.AuthFlow === "REFRESH_TOKEN") {
    const user = typeof parameters.REFRESH_TOKEN === "string" ? context.users.redeemRefreshToken(parameters.REFRESH_TOKEN) : undefined;
    // Unknown, expired and revoked (AdminUserGlobalSignOut) tokens alike; Cognito says "revoked" for the latter.
    if (!user || !user.enabled) throw new CognitoError("NotAuthorizedException", "Invalid Refresh Token");
    return { AuthenticationResult: await issueTokens(context, user, "TokenGeneration_RefreshTokens"), ChallengeParameters: {} };
  }
  throw new CognitoError("InvalidParameterException", `Auth flow ${String(input.AuthFlow).slice(0, 40)} is not enabled for this client (USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH)`);
};

/**
 * AdminInitiateAuth with ADMIN_USER_PASSWORD_AUTH (`cbat token --admin`): the same password check
 * and tokens as USER_PASSWORD_AUTH; on AWS the caller's IAM credentials authorize it instead.
 */
export const adminInitiateAuth: CognitoOperation = async (context, input) => {
  if (input.AuthFlow !== "ADMIN_USER_PASSWORD_AUTH") {
    throw new CognitoError("InvalidParameterException", `Auth flow ${String(input.AuthFlow).slice(0, 40)} is not enabled for this client (ADMIN_USER_PASSWORD_AUTH)`);
  }
  return initiateAuth(context, { ...input, AuthFlow: "USER_PASSWORD_AUTH" });
};

/** Access and id tokens, the access token shaped by the pre token generation trigger. */
async function issueTokens(context: IssuerContext, user: StoredUser, triggerSource: string) {
  const now = Math.floor(Date.now() / 1000);
  const lifetime = context.accessTokenSeconds;
  const originJti = randomUUID();
  const eventId = randomUUID();
  let scopes = ["aws.cognito.signin.user.admin"];
  const groups = context.groups.groupsOf(user.username).map((group) => group.name);
  let accessOverrides: Record<string, any> = {};
  let idOverrides: Record<string, any> = {};
  if (context.preTokenGeneration) {
    const event = {
      version: context.triggerEventVersion,
      triggerSource,
      region: context.region,
      userPoolId: context.userPoolId,
      userName: user.username,
      callerContext: { awsSdkVersion: "aws-sdk-unknown-unknown", clientId: context.clientId },
      request: {
        userAttributes: { sub: user.sub, "cognito:user_status": user.status, ...user.attributes },
        groupConfiguration: { groupsToOverride: [...groups], iamRolesToOverride: [], preferredRole: null },
        scopes: [...scopes],
      },
      response: { claimsAndScopeOverrideDetails: null },
    };
    let result: Record<string, any>;
    try {
      result = await context.preTokenGeneration(event);
    } catch (error) {
      throw new CognitoError("UserLambdaValidationException", `PreTokenGeneration failed with error ${(error as Error).message}.`);
    }
    const details = result?.response?.claimsAndScopeOverrideDetails ?? {};
    accessOverrides = details.accessTokenGeneration ?? {};
    idOverrides = details.idTokenGeneration ?? {};
    scopes = [...scopes.filter((s) => !(accessOverrides.scopesToSuppress ?? []).includes(s)), ...(accessOverrides.scopesToAdd ?? [])];
  }
  // Cognito puts the user's groups in both tokens (and leaves the claim out when there are none).
  const common = { sub: user.sub, ...(groups.length > 0 ? { "cognito:groups": groups } : {}), iss: context.issuer, origin_jti: originJti, event_id: eventId, auth_time: now, iat: now, exp: now + lifetime };
  const access = applyOverrides(
    { ...common, client_id: context.clientId, token_use: "access", ...(scopes.length > 0 ? { scope: scopes.join(" ") } : {}), jti: randomUUID(), username: user.username },
    accessOverrides,
  );
  const id = applyOverrides(
    { ...common, aud: context.clientId, token_use: "id", jti: randomUUID(), "cognito:username": user.username, ...user.attributes, email_verified: user.attributes.email_verified === "true" },
    idOverrides,
  );
  return { AccessToken: context.signer.sign(access), IdToken: context.signer.sign(id), ExpiresIn: lifetime, TokenType: "Bearer" };
}

export function applyOverrides(claims: Record<string, unknown>, overrides: Record<string, any>): Record<string, unknown> {
  const result = { ...claims };
  for (const [name, value] of Object.entries<unknown>(overrides.claimsToAddOrOverride ?? {})) if (!RESERVED_CLAIMS.has(name)) result[name] = value;
  for (const name of overrides.claimsToSuppress ?? []) if (!RESERVED_CLAIMS.has(name)) delete result[name];
  return result;
}
