/**
 * What a CRL knows a certificate by: its issuer (the encoded Name) and serial number. Reading
 * them is a parse, so each certificate is read once per container and remembered by its
 * x5t#S256 (the SHA-256 of its DER, which the authorizer computes anyway): a request only
 * looks its identity up.
 */
import { certificateFields } from "./certificate-fields";
import { hexOf } from "./der";

export interface CertificateIdentity {
  readonly issuerKey: string;
  readonly serialKey: string;
}

/** @throws RevocationListError when the DER is not a certificate */
export function certificateIdentity(der: Uint8Array): CertificateIdentity {
  const fields = certificateFields(der, "client certificate");
  return { issuerKey: hexOf(fields.issuer.encoded), serialKey: fields.serialKey };
}

/** Identities by x5t#S256, at most `maxEntries` (the oldest is forgotten first). */
export class CertificateIdentityCache {
  private readonly entries = new Map<string, CertificateIdentity>();

  constructor(private readonly maxEntries = 1000) {}

  get(x5tS256: string, der: () => Uint8Array): CertificateIdentity {
    let identity = this.entries.get(x5tS256);
    if (identity === undefined) {
      identity = certificateIdentity(der());
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(x5tS256, identity);
    }
    return identity;
  }
}
