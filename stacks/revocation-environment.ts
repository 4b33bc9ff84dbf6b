/**
 * The authorizer's revocation settings as Lambda environment variables (read by
 * handlers/lib/revocation-environment.ts). CRL_KEY is "" when `crl_key` is null: off.
 */
import type { StackInputs } from "./stack-inputs";

/** `truststoreVersion`: the S3 version the custom domain uses ("" = latest), so both read the same CAs. */
export function revocationEnvironment(inputs: StackInputs, truststoreVersion: string): Record<string, string> {
  return {
    CRL_KEY: '${var.crl_key == null ? "" : var.crl_key}',
    TRUSTSTORE_BUCKET: inputs.bucketName.stringValue,
    TRUSTSTORE_KEY: inputs.caCertKey.stringValue,
    TRUSTSTORE_VERSION: truststoreVersion,
    CRL_REFRESH_SECONDS: inputs.crlRefreshSeconds.stringValue,
    CRL_GRACE_SECONDS: inputs.crlGraceSeconds.stringValue,
  };
}
