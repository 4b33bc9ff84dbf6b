/**
 * What a CRL knows a certificate by: its issuer (the encoded Name) and serial number. Reading
 * them is a parse, so each certificate is read once per container and remembered by its
 * x5t#S256 (the SHA-256 of its DER, which the authorizer computes anyway): a request only
 * looks its identity up.
 */
import { certificateFields } from "./certificate-fields";
import { hexOf } from "./der";
import { certificateDistributionPoints } from "./distribution-point";

export interface CertificateIdentity {
  readonly issuerKey: string;
  readonly serialKey: string;
  /** The encoded names of its cRLDistributionPoints (hex): which partitioned CRL lists it. */
  readonly distributionPoints: ReadonlySet<string>;
  /** The certificate, to tell which truststore CA signed it when two share a name. */
  readonly der: Uint8Array;
}

/** @throws RevocationListError when the DER is not a certificate */
export function certificateIdentity(der: Uint8Array): CertificateIdentity {
  const what = "client certificate";
  const fields = certificateFields(der, what);
  return { issuerKey: hexOf(fields.issuer.encoded), serialKey: fields.serialKey, distributionPoints: certificateDistributionPoints(fields.extensions, what), der };
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
