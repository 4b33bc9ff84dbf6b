/**
 * What every operation of the local Cognito issuer works with (the pool's settings, its
 * users and signing key) and how it refuses: a CognitoError becomes Cognito's error shape.
 */
import type { MachineClientStore } from "./machine-client-store";
import type { GroupStore } from "./group-store";
import type { TokenSigner } from "./token-signer";
import type { StoredUser, UserStore } from "./user-store";

export type PreTokenGenerationHandler = (event: Record<string, any>) => Promise<Record<string, any>>;

export interface IssuerContext {
  readonly region: string;
  readonly userPoolId: string;
  readonly clientId: string;
  /** The `iss` of the tokens: https://cognito-idp.<region>.amazonaws.com/<poolId> */
  readonly issuer: string;
  readonly users: UserStore;
  readonly groups: GroupStore;
  readonly signer: TokenSigner;
  readonly preTokenGeneration?: PreTokenGenerationHandler;
  /** The `version` of the trigger's events: "2" (V2_0) or "3" (V3_0, also for client credentials). */
  readonly triggerEventVersion: string;
  readonly accessTokenSeconds: number;
  /** Confidential clients for client_credentials (POST /oauth2/token); none when absent. */
  readonly machineClients?: MachineClientStore;
  /** The resource server's custom scopes (`<identifier>/<name>`): what machine clients may be granted. */
  readonly resourceServerScopes: readonly string[];
}

/** A request body, as sent by the AWS SDK or CLI: untrusted JSON. */
export type CognitoInput = Record<string, any>;

/** One Cognito action (e.g. AdminCreateUser): checks its input, acts, returns the response body. */
export type CognitoOperation = (context: IssuerContext, input: CognitoInput) => Record<string, unknown> | Promise<Record<string, unknown>>;

/** A Cognito error: HTTP 400 with `__type` (the SDK's error name) and a message. */
export class CognitoError extends Error {
  constructor(readonly type: string, message: string) {
    super(message);
  }
}

export function requirePool(context: IssuerContext, input: CognitoInput): void {
  if (input.UserPoolId !== context.userPoolId) throw new CognitoError("ResourceNotFoundException", `User pool ${String(input.UserPoolId).slice(0, 64)} does not exist.`);
}

export function requireUser(context: IssuerContext, input: CognitoInput): StoredUser {
  const user = typeof input.Username === "string" ? context.users.get(input.Username) : undefined;
  if (!user) throw new CognitoError("UserNotFoundException", "User does not exist.");
  return user;
}
