/**
 * The x5t#S256 of each client certificate PEM the authorizer has decoded, remembered by its exact
 * text: a client presents the same certificate on every call, and strict base64 decoding of its
 * ~2 KB plus the SHA-256 cost a warm decision more than all the rest. The key is the whole PEM
 * text (the Map compares it in full), so no other certificate ever gets this one's thumbprint;
 * the binding check against the token's cnf still runs on every call. Bounded: the oldest entry
 * goes first, and PEMs above MAX_CACHED_PEM_CHARS are decoded every time.
 */
import { x5tS256FromPem } from "./thumbprint";

/** Real client certificates are 1-3 KB of PEM; 1000 entries then hold at most 8 MB. */
export const MAX_CACHED_PEM_CHARS = 8 * 1024;

export class CertificateThumbprintCache {
  private readonly entries = new Map<string, string>();

  constructor(private readonly maxEntries = 1000) {}

  /** @throws CertificateFormatError (from x5tS256FromPem) for anything but one well-formed certificate; nothing is remembered then. */
  thumbprintOf(pem: string): string {
    const known = this.entries.get(pem);
    if (known !== undefined) return known;
    const x5tS256 = x5tS256FromPem(pem);
    if (this.maxEntries > 0 && pem.length <= MAX_CACHED_PEM_CHARS) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(pem, x5tS256);
    }
    return x5tS256;
  }

  get size(): number {
    return this.entries.size;
  }
}
