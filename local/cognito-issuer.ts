/**
 * A Cognito-compatible token issuer for local use, speaking Cognito's JSON protocol
 * (`POST /`, `X-Amz-Target: AWSCognitoIdentityProviderService.<Action>`), so the AWS SDK v3
 * and `aws cognito-idp --endpoint-url` work unchanged. Before signing an access token it
 * runs the real pre token generation trigger (the stack's bundle) with a V2_0 event and
 * applies its response, as Cognito does.
 *
 * Admin actions are not authenticated (the server listens on loopback only).
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { BodyTooLargeError, readBody } from "./read-body";
import { TokenSigner } from "./token-signer";
import { UserStore, type StoredUser } from "./user-store";

export type PreTokenGenerationHandler = (event: Record<string, any>) => Promise<Record<string, any>>;

export interface CognitoIssuerOptions {
  readonly region: string;
  readonly userPoolId: string;
  readonly clientId: string;
  /** JSON file of the users. */
  readonly usersFile: string;
  /** PEM file of the signing key (created when missing). */
  readonly signingKeyFile: string;
  readonly preTokenGeneration?: PreTokenGenerationHandler;
  /** @default 3600 */
  readonly accessTokenSeconds?: number;
}

/** A Cognito error: HTTP 400 with `__type`. */
class CognitoError extends Error {
  constructor(readonly type: string, message: string) {
    super(message);
  }
}

const TARGET_PREFIX = "AWSCognitoIdentityProviderService.";
const MAX_BODY_BYTES = 64 * 1024;
const SCHEMA_ATTRIBUTES = new Set(["email", "email_verified", "name", "custom:cert_fingerprint"]);
/** Claims a trigger may not change (Cognito refuses to override them too). */
const RESERVED_CLAIMS = new Set(["iss", "sub", "aud", "client_id", "token_use", "exp", "iat", "auth_time", "jti", "origin_jti", "event_id", "username", "cognito:username", "scope"]);

export class CognitoIssuer {
  readonly signer: TokenSigner;
  readonly users: UserStore;
  readonly issuer: string;
  private server?: Server;

  constructor(private readonly options: CognitoIssuerOptions) {
    this.signer = new TokenSigner(options.signingKeyFile);
    this.users = new UserStore(options.usersFile);
    this.issuer = `https://cognito-idp.${options.region}.amazonaws.com/${options.userPoolId}`;
  }

  get jwks() {
    return this.signer.jwks;
  }

  async listen(port: number, host = "127.0.0.1"): Promise<string> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(port, host, resolve);
    });
    const address = this.server.address() as AddressInfo;
    return `http://${host}:${address.port}`;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
  }

  /** Runs one Cognito action (also used in-process, e.g. to create the demo user). */
  async call(action: string, input: Record<string, any>): Promise<Record<string, unknown>> {
    switch (action) {
      case "InitiateAuth":
        return this.initiateAuth(input);
      case "AdminCreateUser":
        return this.adminCreateUser(input);
      case "AdminSetUserPassword":
        return this.adminSetUserPassword(input);
      case "AdminUpdateUserAttributes":
        return this.adminUpdateUserAttributes(input);
      case "AdminGetUser":
        return this.adminGetUser(input);
      default:
        throw new CognitoError("InvalidParameterException", `Action ${action} is not supported by the local issuer`);
    }
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, body: unknown, type = "application/x-amz-json-1.1", extra: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": type, "x-amzn-requestid": randomUUID(), ...extra });
      res.end(JSON.stringify(body));
    };
    try {
      const url = req.url ?? "/";
      if (req.method === "GET" && url === `/${this.options.userPoolId}/.well-known/jwks.json`) return send(200, this.jwks, "application/json");
      if (req.method === "GET" && url === `/${this.options.userPoolId}/.well-known/openid-configuration`) {
        return send(200, { issuer: this.issuer, jwks_uri: `http://${req.headers.host}/${this.options.userPoolId}/.well-known/jwks.json` }, "application/json");
      }
      if (req.method !== "POST" || url !== "/") return send(404, { message: "Not Found" }, "application/json");
      const target = String(req.headers["x-amz-target"] ?? "");
      if (!target.startsWith(TARGET_PREFIX)) throw new CognitoError("UnknownOperationException", "Missing or unknown X-Amz-Target");
      let body: string;
      try {
        body = (await readBody(req, MAX_BODY_BYTES)).toString("utf8");
      } catch (error) {
        if (error instanceof BodyTooLargeError) throw new CognitoError("InvalidParameterException", "Request body too large");
        throw error;
      }
      let input: Record<string, any>;
      try {
        input = JSON.parse(body || "{}");
      } catch {
        throw new CognitoError("SerializationException", "Request body is not valid JSON");
      }
      send(200, await this.call(target.slice(TARGET_PREFIX.length), input));
    } catch (error) {
      if (error instanceof CognitoError) return send(400, { __type: error.type, message: error.message }, undefined, { "x-amzn-errortype": error.type });
      send(500, { __type: "InternalErrorException", message: "Internal error" });
    }
  }

  private checkPool(input: Record<string, any>): void {
    if (input.UserPoolId !== this.options.userPoolId) throw new CognitoError("ResourceNotFoundException", `User pool ${String(input.UserPoolId).slice(0, 64)} does not exist.`);
  }

  private existingUser(input: Record<string, any>): StoredUser {
    const user = typeof input.Username === "string" ? this.users.get(input.Username) : undefined;
    if (!user) throw new CognitoError("UserNotFoundException", "User does not exist.");
    return user;
  }

  private async initiateAuth(input: Record<string, any>) {
    if (input.ClientId !== this.options.clientId) throw new CognitoError("ResourceNotFoundException", "User pool client does not exist.");
    const parameters = input.AuthParameters ?? {};
    if (input.AuthFlow === "USER_PASSWORD_AUTH") {
      const user = typeof parameters.USERNAME === "string" ? this.users.get(parameters.USERNAME) : undefined;
      // Same answer for unknown users and wrong passwords (prevent_user_existence_errors).
      if (!user || typeof parameters.PASSWORD !== "string" || !this.users.passwordMatches(user, parameters.PASSWORD)) {
        throw new CognitoError("NotAuthorizedException", "Incorrect username or password.");
      }
      if (!user.enabled) throw new CognitoError("NotAuthorizedException", "User is disabled.");
      if (user.status === "FORCE_CHANGE_PASSWORD") {
        return { ChallengeName: "NEW_PASSWORD_REQUIRED", Session: randomUUID(), ChallengeParameters: { USER_ID_FOR_SRP: user.username } };
      }
      const tokens = await this.issueTokens(user, "TokenGeneration_Authentication");
      return { AuthenticationResult: { ...tokens, RefreshToken: this.users.issueRefreshToken(user) }, ChallengeParameters: {} };
    }
    if (input.AuthFlow === "REFRESH_TOKEN_AUTH" || input.AuthFlow === "REFRESH_TOKEN") {
      const user = typeof parameters.REFRESH_TOKEN === "string" ? this.users.redeemRefreshToken(parameters.REFRESH_TOKEN) : undefined;
      if (!user || !user.enabled) throw new CognitoError("NotAuthorizedException", "Invalid Refresh Token");
      return { AuthenticationResult: await this.issueTokens(user, "TokenGeneration_RefreshTokens"), ChallengeParameters: {} };
    }
    throw new CognitoError("InvalidParameterException", `Auth flow ${String(input.AuthFlow).slice(0, 40)} is not enabled for this client (USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH)`);
  }

  private adminCreateUser(input: Record<string, any>) {
    this.checkPool(input);
    if (typeof input.Username !== "string" || !/^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u.test(input.Username)) {
      throw new CognitoError("InvalidParameterException", "Username must be 1-128 characters without spaces.");
    }
    if (this.users.get(input.Username)) throw new CognitoError("UsernameExistsException", "User account already exists.");
    const attributes = attributesOf(input.UserAttributes);
    if (input.TemporaryPassword !== undefined) checkPassword(input.TemporaryPassword);
    const user = this.users.create(input.Username, attributes, input.TemporaryPassword);
    return { User: describeUser(user, "Attributes") };
  }

  private adminSetUserPassword(input: Record<string, any>) {
    this.checkPool(input);
    const user = this.existingUser(input);
    checkPassword(input.Password);
    this.users.setPassword(user, input.Password, input.Permanent === true);
    return {};
  }

  private adminUpdateUserAttributes(input: Record<string, any>) {
    this.checkPool(input);
    const user = this.existingUser(input);
    this.users.updateAttributes(user, attributesOf(input.UserAttributes));
    return {};
  }

  private adminGetUser(input: Record<string, any>) {
    this.checkPool(input);
    return describeUser(this.existingUser(input), "UserAttributes");
  }

  /** Access and id tokens, the access token shaped by the pre token generation trigger. */
  private async issueTokens(user: StoredUser, triggerSource: string) {
    const now = Math.floor(Date.now() / 1000);
    const lifetime = this.options.accessTokenSeconds ?? 3600;
    const originJti = randomUUID();
    const eventId = randomUUID();
    let scopes = ["aws.cognito.signin.user.admin"];
    let accessOverrides: Record<string, any> = {};
    let idOverrides: Record<string, any> = {};
    if (this.options.preTokenGeneration) {
      const event = {
        version: "2",
        triggerSource,
        region: this.options.region,
        userPoolId: this.options.userPoolId,
        userName: user.username,
        callerContext: { awsSdkVersion: "aws-sdk-unknown-unknown", clientId: this.options.clientId },
        request: {
          userAttributes: { sub: user.sub, "cognito:user_status": user.status, ...user.attributes },
          groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [], preferredRole: null },
          scopes: [...scopes],
        },
        response: { claimsAndScopeOverrideDetails: null },
      };
      let result: Record<string, any>;
      try {
        result = await this.options.preTokenGeneration(event);
      } catch (error) {
        throw new CognitoError("UserLambdaValidationException", `PreTokenGeneration failed with error ${(error as Error).message}.`);
      }
      const details = result?.response?.claimsAndScopeOverrideDetails ?? {};
      accessOverrides = details.accessTokenGeneration ?? {};
      idOverrides = details.idTokenGeneration ?? {};
      scopes = [...scopes.filter((s) => !(accessOverrides.scopesToSuppress ?? []).includes(s)), ...(accessOverrides.scopesToAdd ?? [])];
    }
    const common = { sub: user.sub, iss: this.issuer, origin_jti: originJti, event_id: eventId, auth_time: now, iat: now, exp: now + lifetime };
    const access = applyOverrides(
      { ...common, client_id: this.options.clientId, token_use: "access", scope: scopes.join(" "), jti: randomUUID(), username: user.username },
      accessOverrides,
    );
    const id = applyOverrides(
      { ...common, aud: this.options.clientId, token_use: "id", jti: randomUUID(), "cognito:username": user.username, ...user.attributes, email_verified: user.attributes.email_verified === "true" },
      idOverrides,
    );
    return { AccessToken: this.signer.sign(access), IdToken: this.signer.sign(id), ExpiresIn: lifetime, TokenType: "Bearer" };
  }
}

function applyOverrides(claims: Record<string, unknown>, overrides: Record<string, any>): Record<string, unknown> {
  const result = { ...claims };
  for (const [name, value] of Object.entries<unknown>(overrides.claimsToAddOrOverride ?? {})) if (!RESERVED_CLAIMS.has(name)) result[name] = value;
  for (const name of overrides.claimsToSuppress ?? []) if (!RESERVED_CLAIMS.has(name)) delete result[name];
  return result;
}

function attributesOf(list: unknown): Record<string, string> {
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

/** Our pool's policy: at least 8 characters with lower and upper case, a digit and a symbol. */
function checkPassword(password: unknown): void {
  if (typeof password !== "string" || password.length < 8 || password.length > 256 || !/[a-z]/.test(password) || !/[A-Z]/.test(password) || !/\d/.test(password) || !/[^A-Za-z0-9]/.test(password)) {
    throw new CognitoError("InvalidPasswordException", "Password does not conform to policy: at least 8 characters with lower and upper case letters, a number and a symbol.");
  }
}

function describeUser(user: StoredUser, attributesKey: "Attributes" | "UserAttributes") {
  return {
    Username: user.username,
    [attributesKey]: [{ Name: "sub", Value: user.sub }, ...Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value }))],
    UserCreateDate: user.created,
    UserLastModifiedDate: user.modified,
    Enabled: user.enabled,
    UserStatus: user.status,
  };
}
