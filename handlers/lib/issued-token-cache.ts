/**
 * Reuse of a still-fresh token: Cognito charges per client-credentials token request (M2M
 * pricing), so the token function hands the same token again to the same client, authenticated
 * by the same certificate, asking for the same scopes, while more than half of its lifetime is
 * left (30 minutes of a 60-minute token). The request is authenticated and its certificate
 * checked against the CRL every time; only Cognito's round trip is saved. Per container, in
 * memory, at most 1000 entries (the oldest go first).
 */
import type { IssuedToken } from "./cognito-client-credentials";

export class IssuedTokenCache {
  private readonly entries = new Map<string, { readonly token: IssuedToken; readonly issuedAt: number }>();

  constructor(private readonly now: () => number = Date.now, private readonly maxEntries = 1000) {}

  static key(clientId: string, x5tS256: string, scopes: readonly string[]): string {
    return `${clientId}\n${x5tS256}\n${[...scopes].sort().join(" ")}`;
  }

  /** The token with its remaining `expiresIn`, or undefined when none is fresh. */
  get(key: string): IssuedToken | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const ageSeconds = (this.now() - entry.issuedAt) / 1000;
    if (ageSeconds >= entry.token.expiresIn / 2) {
      this.entries.delete(key);
      return undefined;
    }
    return { ...entry.token, expiresIn: Math.floor(entry.token.expiresIn - ageSeconds) };
  }

  set(key: string, token: IssuedToken): void {
    if (!(token.expiresIn > 0)) return;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { token, issuedAt: this.now() });
  }
}
