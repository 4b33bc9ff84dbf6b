/**
 * Where a function checks revocation (the truststore and the CRL bundle), and the same as the
 * Lambda environment variables handlers/lib/revocation-environment.ts reads. CRL_KEY is ""
 * when `crl_key` is null: off.
 */
import { Fn, Op, Token } from "cdktf";
import type { StackInputs } from "./stack-inputs";

/** The trust anchors and CRLs a function checks revocation against. */
export interface RevocationSource {
  /** S3 bucket of the truststore (and the CRL bundle). */
  readonly bucket: string;
  /** Key of the truststore object: the CAs the custom domain trusts. */
  readonly truststoreKey: string;
  /**
   * S3 version of the truststore the custom domain uses, so both read the same CAs.
   * @default "" (the latest)
   */
  readonly truststoreVersion?: string;
  /**
   * Key of the CRL bundle in `bucket` (a Terraform expression may be null); `null` turns revocation
   * checking off. Required, so that no composition leaves it off by omission.
   */
  readonly crlKey: string | null;
  /** Seconds between conditional re-reads of the CRL bundle. @default "300" */
  readonly refreshSeconds?: string;
  /** Seconds past a CRL's nextUpdate before every certificate of its CA is refused `crl_stale`. @default "3600" */
  readonly graceSeconds?: string;
  /**
   * Customer-managed KMS key of the bucket (a Terraform expression may be null): granted kms:Decrypt through S3.
   * @default none: S3-managed keys, no grant
   */
  readonly kmsKeyArn?: string;
}

/** The stack's variables as a revocation source (crl_key, crl_refresh_seconds, …). */
export function revocationSourceOf(inputs: StackInputs, truststoreVersion: string): RevocationSource {
  return {
    bucket: inputs.bucketName.stringValue,
    truststoreKey: inputs.caCertKey.stringValue,
    truststoreVersion,
    crlKey: inputs.crlKey.stringValue,
    refreshSeconds: inputs.crlRefreshSeconds.stringValue,
    graceSeconds: inputs.crlGraceSeconds.stringValue,
    kmsKeyArn: inputs.truststoreKmsKeyArn.stringValue,
  };
}

export function revocationEnvironment(source: RevocationSource): Record<string, string> {
  const crlKey = source.crlKey;
  return {
    // "" when off: what handlers/lib/revocation-environment.ts reads as no revocation checking.
    CRL_KEY: crlKey === null ? "" : Token.isUnresolved(crlKey) ? Token.asString(Fn.conditional(Op.eq(crlKey, Token.nullValue()), "", crlKey)) : crlKey,
    TRUSTSTORE_BUCKET: source.bucket,
    TRUSTSTORE_KEY: source.truststoreKey,
    TRUSTSTORE_VERSION: source.truststoreVersion ?? "",
    CRL_REFRESH_SECONDS: source.refreshSeconds ?? "300",
    CRL_GRACE_SECONDS: source.graceSeconds ?? "3600",
  };
}
