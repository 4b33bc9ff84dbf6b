/**
 * One verified revocation list: for each truststore CA that published CRLs, the serial numbers
 * it revoked and until when its CRLs are current, for the whole CA (a complete CRL) or for each
 * partition (a CRL whose issuingDistributionPoint names one). Built once per load; asking about
 * a certificate is a few map lookups (and, once per certificate and list, a signature check).
 *
 * Loading checks each CRL's signature before reading its entries, and keeps nothing of a CRL it
 * refuses: the whole bundle is refused at the first bad CRL.
 */
import { X509Certificate } from "node:crypto";
import type { CertificateIdentity } from "./certificate-identity";
import { eachCrl, MAX_CRL_BUNDLE_BYTES, type Crl } from "./crl";
import { crlSigner } from "./crl-signature";
import { nameText } from "./der";
import { readTruststore, type TrustAnchor } from "./trust-anchors";

/** good: not listed, list current · revoked: listed · stale: no current verified CRL covers it */
export type RevocationStatus = "good" | "revoked" | "stale";

interface Partition {
  readonly names: ReadonlySet<string>;
  nextUpdate: number;
}

interface IssuerRevocations {
  readonly name: string;
  readonly serials: Set<string>;
  /** The newest complete CRL's nextUpdate; undefined when the CA publishes partitioned CRLs only. */
  completeUntil?: number;
  readonly partitions: Partition[];
}

export interface RevocationListSummary {
  readonly crls: number;
  readonly revoked: number;
  /** Each issuer with its CRLs' latest nextUpdate (ISO 8601). */
  readonly issuers: ReadonlyArray<{ readonly issuer: string; readonly nextUpdate: string; readonly revoked: number; readonly partitions?: number }>;
}

export interface RevocationListLimits {
  /** @default MAX_CRL_BUNDLE_BYTES */
  readonly maxBundleBytes?: number;
}

export class RevocationList {
  /** Which truststore CA signed a certificate (null: none), per identity, for this list's truststore. */
  private readonly signers = new WeakMap<CertificateIdentity, TrustAnchor | null>();

  private constructor(
    private readonly anchors: readonly TrustAnchor[],
    private readonly issuers: ReadonlyMap<TrustAnchor, IssuerRevocations>,
    readonly summary: RevocationListSummary,
  ) {}

  /**
   * Reads the truststore, then each CRL of the bundle: its signature is verified against the
   * truststore CA that issued it before its entries are read. All or nothing: one bad CRL
   * refuses the whole bundle.
   * @throws RevocationListError naming the CRL or certificate and what is wrong
   */
  static fromBundles(crlBundle: Uint8Array, truststore: Uint8Array, limits: RevocationListLimits = {}): RevocationList {
    const anchors = readTruststore(truststore);
    const issuers = new Map<TrustAnchor, IssuerRevocations>();
    let crls = 0;
    for (const crl of eachCrl(crlBundle, limits.maxBundleBytes ?? MAX_CRL_BUNDLE_BYTES)) {
      crls++;
      const signer = crlSigner(crl, anchors);
      let issuer = issuers.get(signer);
      if (!issuer) issuers.set(signer, (issuer = { name: nameText(crl.issuer), serials: new Set(), partitions: [] }));
      add(issuer, crl);
    }
    const summary: RevocationListSummary = {
      crls,
      revoked: [...issuers.values()].reduce((sum, issuer) => sum + issuer.serials.size, 0),
      issuers: [...issuers.values()].map((issuer) => ({
        issuer: issuer.name,
        nextUpdate: new Date(Math.max(issuer.completeUntil ?? -Infinity, ...issuer.partitions.map((p) => p.nextUpdate))).toISOString(),
        revoked: issuer.serials.size,
        ...(issuer.partitions.length > 0 ? { partitions: issuer.partitions.length } : {}),
      })),
    };
    return new RevocationList(anchors, issuers, summary);
  }

  /**
   * A certificate's status at `now`. Its issuer is the truststore CA whose name it names and
   * whose key verifies its signature (two CAs may share a name). Stale when that CA has no CRL
   * covering the certificate (a complete one, or the partition its cRLDistributionPoints names),
   * or when that CRL's nextUpdate is more than `graceMs` ago: a missing or stale list never
   * reads as "nothing revoked".
   */
  statusOf(identity: CertificateIdentity, now: number, graceMs: number): RevocationStatus {
    const signer = this.signerOf(identity);
    const issuer = signer && this.issuers.get(signer);
    if (!issuer) return "stale";
    if (issuer.serials.has(identity.serialKey)) return "revoked";
    let currentUntil = issuer.completeUntil ?? -Infinity;
    for (const partition of issuer.partitions) {
      if (partition.nextUpdate > currentUntil && [...partition.names].some((name) => identity.distributionPoints.has(name))) currentUntil = partition.nextUpdate;
    }
    return now > currentUntil + graceMs ? "stale" : "good";
  }

  private signerOf(identity: CertificateIdentity): TrustAnchor | null {
    let signer = this.signers.get(identity);
    if (signer === undefined) {
      const named = this.anchors.filter((anchor) => anchor.subjectKey === identity.issuerKey);
      signer = null;
      if (named.length > 0) signer = named.find((anchor) => signs(anchor, identity.der)) ?? null;
      this.signers.set(identity, signer);
    }
    return signer;
  }
}

function add(issuer: IssuerRevocations, crl: Crl): void {
  // Two CRLs of one issuer (a key roll-over, or partitions): a serial on either is revoked.
  for (const serial of crl.revokedSerials) issuer.serials.add(serial);
  if (crl.partition === undefined) {
    issuer.completeUntil = Math.max(issuer.completeUntil ?? -Infinity, crl.nextUpdate);
    return;
  }
  const same = issuer.partitions.find((p) => p.names.size === crl.partition!.size && [...p.names].every((name) => crl.partition!.has(name)));
  if (same) same.nextUpdate = Math.max(same.nextUpdate, crl.nextUpdate);
  else issuer.partitions.push({ names: crl.partition, nextUpdate: crl.nextUpdate });
}

function signs(anchor: TrustAnchor, der: Uint8Array): boolean {
  try {
    return new X509Certificate(der).verify(anchor.publicKey);
  } catch {
    return false;
  }
}
