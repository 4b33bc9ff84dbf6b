/**
 * Cognito-shaped JWTs signed with a real RSA key of the test's own, and its JWKS.
 * Hand-written signing is fine here: it is the test's stand-in for Cognito, not code under test.
 */
import { createHmac, createSign, generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";

export const REGION = "eu-west-1";
export const USER_POOL_ID = `${REGION}_TestPool1`;
export const CLIENT_ID = "3n4b5urk1ft4fl3mg5e62d9ado";
export const ISSUER = `https://cognito-idp.${REGION}.amazonaws.com/${USER_POOL_ID}`;

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly jwk: Record<string, unknown>;
}

export function createSigningKey(kid = `kid-${randomUUID()}`): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" };
  return { kid, privateKey, publicKey, jwk };
}

export function jwksOf(...keys: SigningKey[]): { keys: Record<string, unknown>[] } {
  return { keys: keys.map((k) => k.jwk) };
}

const b64url = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

export function accessTokenClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: "6f1e9d5c-5a4b-4c3d-9e8f-0123456789ab",
    iss: ISSUER,
    client_id: CLIENT_ID,
    origin_jti: randomUUID(),
    event_id: randomUUID(),
    token_use: "access",
    scope: "aws.cognito.signin.user.admin",
    auth_time: now,
    iat: now,
    exp: now + 3600,
    jti: randomUUID(),
    username: "alice",
    ...overrides,
  };
}

export function signJwt(key: SigningKey, payload: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const signingInput = `${b64url({ kid: key.kid, alg: "RS256", ...header })}.${b64url(payload)}`;
  const signature = createSign("RSA-SHA256").update(signingInput).sign(key.privateKey).toString("base64url");
  return `${signingInput}.${signature}`;
}

/** The classic key-confusion attack: HS256 with the RSA public key (PEM) as the HMAC secret. */
export function signHs256WithPublicKey(key: SigningKey, payload: Record<string, unknown>): string {
  const signingInput = `${b64url({ kid: key.kid, alg: "HS256" })}.${b64url(payload)}`;
  const secret = key.publicKey.export({ format: "pem", type: "spki" });
  return `${signingInput}.${createHmac("sha256", secret).update(signingInput).digest("base64url")}`;
}

export function unsignedJwt(key: SigningKey, payload: Record<string, unknown>): string {
  return `${b64url({ kid: key.kid, alg: "none" })}.${b64url(payload)}.`;
}

/** Signs header and payload JSON given as text, e.g. with duplicate member names that an object cannot hold. */
export function signRawJwt(key: SigningKey, headerJson: string, payloadJson: string): string {
  const signingInput = `${b64url(headerJson)}.${b64url(payloadJson)}`;
  const signature = createSign("RSA-SHA256").update(signingInput).sign(key.privateKey).toString("base64url");
  return `${signingInput}.${signature}`;
}
