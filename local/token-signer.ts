/**
 * The local issuer's RS256 signing key (created once, kept owner-readable) and its JWKS.
 */
import { createHash, createPrivateKey, createPublicKey, createSign, generateKeyPairSync, type KeyObject } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

export class TokenSigner {
  readonly kid: string;
  readonly jwks: { keys: Record<string, unknown>[] };
  private readonly privateKey: KeyObject;

  constructor(keyFile: string) {
    if (!existsSync(keyFile)) {
      const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
      writeFileSync(keyFile, privateKey.export({ format: "pem", type: "pkcs8" }), { mode: 0o600 });
    }
    this.privateKey = createPrivateKey(readFileSync(keyFile));
    const jwk = createPublicKey(this.privateKey).export({ format: "jwk" }) as { e: string; kty: string; n: string };
    // RFC 7638 thumbprint as key id, so the kid changes only with the key.
    this.kid = createHash("sha256").update(JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n })).digest("base64url");
    this.jwks = { keys: [{ alg: "RS256", e: jwk.e, kid: this.kid, kty: "RSA", n: jwk.n, use: "sig" }] };
  }

  sign(payload: Record<string, unknown>): string {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const signingInput = `${encode({ kid: this.kid, alg: "RS256" })}.${encode(payload)}`;
    return `${signingInput}.${createSign("RSA-SHA256").update(signingInput).sign(this.privateKey).toString("base64url")}`;
  }
}
