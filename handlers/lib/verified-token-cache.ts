/**
 * Remembers the claims of tokens that aws-jwt-verify has already verified, keyed by the
 * exact token string, until they expire. A client reuses its access token for its whole
 * lifetime, so a warm container checks each token's signature once instead of on every
 * call. Only verified tokens enter; expiry is checked again on every hit; the size is
 * bounded (oldest entry evicted first). The certificate binding is never cached: it is
 * checked against the presented certificate on every request.
 */
export type VerifiedClaims = Readonly<Record<string, unknown>> & { readonly exp: number };

export class VerifiedTokenCache {
  private readonly entries = new Map<string, VerifiedClaims>();

  constructor(private readonly maxEntries = 1000) {}

  /** Claims of a still-unexpired token verified before, or undefined. */
  get(token: string): VerifiedClaims | undefined {
    const claims = this.entries.get(token);
    if (claims === undefined) return undefined;
    if (claims.exp * 1000 <= Date.now()) {
      this.entries.delete(token);
      return undefined;
    }
    return claims;
  }

  /** Stores the claims of a token that has just been verified. */
  set(token: string, claims: VerifiedClaims): void {
    if (this.maxEntries <= 0) return;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(token, claims);
  }

  get size(): number {
    return this.entries.size;
  }
}
