/**
 * The authorizer's revocation check: the client certificate's issuer and serial (read once per
 * certificate) looked up in the current revocation list. `cert_revoked` when listed,
 * `crl_stale` when its issuer has no current verified CRL.
 */
import { CertificateIdentityCache } from "./certificate-identity";
import { AccessDeniedError } from "./errors";
import { RevocationStore, type RevocationSource } from "./revocation-store";
import { certificatePemToDer } from "./thumbprint";

export interface RevocationOptions {
  /** Where the CRL bundle and the truststore come from (fileRevocationSource, s3RevocationSource). */
  readonly source: RevocationSource;
  /** Seconds between background refreshes, 1 to 86400. @default 300 */
  readonly refreshSeconds?: number;
  /** How long past a CRL's nextUpdate it still counts, 0 to 2592000 seconds (30 days). @default 3600 */
  readonly graceSeconds?: number;
  /** The largest CRL bundle loaded; crlBundleLimitBytes(the function's memory). @default MAX_CRL_BUNDLE_BYTES */
  readonly maxBundleBytes?: number;
}

export const DEFAULT_CRL_REFRESH_SECONDS = 300;
export const DEFAULT_CRL_GRACE_SECONDS = 3600;

export class RevocationCheck {
  private readonly store: RevocationStore;
  private readonly identities = new CertificateIdentityCache();

  /** @throws TypeError when the options are invalid */
  constructor(options: RevocationOptions) {
    const { source, refreshSeconds = DEFAULT_CRL_REFRESH_SECONDS, graceSeconds = DEFAULT_CRL_GRACE_SECONDS, maxBundleBytes } = options ?? {};
    if (source === null || typeof source !== "object" || typeof source.read !== "function") {
      throw new TypeError("createAuthorizer: revocation.source must be a revocation source (fileRevocationSource or s3RevocationSource)");
    }
    if (!isWholeNumber(refreshSeconds, 1, 86_400)) throw new TypeError("createAuthorizer: revocation.refreshSeconds must be a whole number of seconds from 1 to 86400");
    if (!isWholeNumber(graceSeconds, 0, 2_592_000)) throw new TypeError("createAuthorizer: revocation.graceSeconds must be a whole number of seconds from 0 to 2592000 (30 days)");
    this.store = new RevocationStore({ source, refreshSeconds, graceSeconds, maxBundleBytes });
  }

  /** The first load, while a cold start waits for it; undefined afterwards (warm requests never wait). */
  pending(): Promise<void> | undefined {
    return this.store.pending();
  }

  /** @throws AccessDeniedError `cert_revoked`, `crl_stale`, or `cert_invalid` (a certificate we cannot read) */
  assertNotRevoked(x5tS256: string, clientCertPem: string): void {
    let identity;
    try {
      identity = this.identities.get(x5tS256, () => certificatePemToDer(clientCertPem));
    } catch {
      throw new AccessDeniedError("cert_invalid");
    }
    const status = this.store.statusOf(identity);
    if (status === "revoked") throw new AccessDeniedError("cert_revoked");
    if (status === "stale") throw new AccessDeniedError("crl_stale");
  }

  /** Refreshes now (tests, operators); resolves when done. */
  refresh(): Promise<void> {
    return this.store.refresh();
  }

  close(): void {
    this.store.close();
  }
}

function isWholeNumber(value: unknown, min: number, max: number): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}
