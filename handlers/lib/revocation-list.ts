/**
 * One verified revocation list: for each truststore CA that published a CRL, the serial
 * numbers it revoked and until when its newest CRL is current. Built once per load (a parse);
 * asking about a certificate is two map lookups and a comparison.
 */
import type { CertificateIdentity } from "./certificate-identity";
import { readCrlBundle } from "./crl";
import { crlSigner } from "./crl-signature";
import { nameText } from "./der";
import { readTruststore } from "./trust-anchors";

/** good: not listed, list current · revoked: listed · stale: no current verified CRL from its issuer */
export type RevocationStatus = "good" | "revoked" | "stale";

interface IssuerRevocations {
  readonly name: string;
  serials: ReadonlySet<string>;
  nextUpdate: number;
}

export interface RevocationListSummary {
  readonly crls: number;
  readonly revoked: number;
  /** Each issuer with its CRL's nextUpdate (ISO 8601). */
  readonly issuers: ReadonlyArray<{ readonly issuer: string; readonly nextUpdate: string; readonly revoked: number }>;
}

export class RevocationList {
  private constructor(private readonly issuers: ReadonlyMap<string, IssuerRevocations>, readonly summary: RevocationListSummary) {}

  /**
   * Reads the CRL bundle and the truststore and verifies every CRL against the truststore CA
   * that issued it. All or nothing: one bad CRL refuses the whole bundle.
   * @throws RevocationListError naming the CRL or certificate and what is wrong
   */
  static fromBundles(crlBundle: Uint8Array, truststore: Uint8Array): RevocationList {
    const anchors = readTruststore(truststore);
    const crls = readCrlBundle(crlBundle);
    const issuers = new Map<string, IssuerRevocations>();
    for (const crl of crls) {
      crlSigner(crl, anchors);
      const known = issuers.get(crl.issuerKey);
      if (!known) {
        issuers.set(crl.issuerKey, { name: nameText(crl.issuer), serials: crl.revokedSerials, nextUpdate: crl.nextUpdate });
        continue;
      }
      // Two CRLs of one issuer (e.g. while a CA key rolls over): a serial on either is revoked.
      known.serials = new Set([...known.serials, ...crl.revokedSerials]);
      known.nextUpdate = Math.max(known.nextUpdate, crl.nextUpdate);
    }
    const summary: RevocationListSummary = {
      crls: crls.length,
      revoked: [...issuers.values()].reduce((sum, issuer) => sum + issuer.serials.size, 0),
      issuers: [...issuers.values()].map((issuer) => ({ issuer: issuer.name, nextUpdate: new Date(issuer.nextUpdate).toISOString(), revoked: issuer.serials.size })),
    };
    return new RevocationList(issuers, summary);
  }

  /**
   * A certificate's status at `now`: stale when its issuer has no CRL in the list, or when that
   * CRL's nextUpdate is more than `graceMs` ago (a stale list must not read as "nothing revoked").
   */
  statusOf(identity: CertificateIdentity, now: number, graceMs: number): RevocationStatus {
    const issuer = this.issuers.get(identity.issuerKey);
    if (issuer === undefined) return "stale";
    if (issuer.serials.has(identity.serialKey)) return "revoked";
    return now > issuer.nextUpdate + graceMs ? "stale" : "good";
  }
}
