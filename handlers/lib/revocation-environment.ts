/**
 * Revocation settings of the authorizer Lambda, from the environment the stack sets:
 * `CRL_KEY` (empty or absent = revocation checking off), `TRUSTSTORE_BUCKET`, `TRUSTSTORE_KEY`,
 * `TRUSTSTORE_VERSION` (the S3 version the custom domain uses; empty = latest),
 * `CRL_REFRESH_SECONDS`, `CRL_GRACE_SECONDS`.
 */
import { crlBundleLimitBytes } from "./crl-bundle-limit";
import type { RevocationOptions } from "./revocation-check";
import { s3RevocationSource } from "./revocation-s3-source";

/** @throws TypeError when revocation is on and a setting is missing or not a number */
export function revocationFromEnvironment(env: Readonly<Record<string, string | undefined>>): RevocationOptions | undefined {
  const crlKey = env.CRL_KEY;
  if (crlKey === undefined || crlKey === "") return undefined;
  const bucket = env.TRUSTSTORE_BUCKET;
  const truststoreKey = env.TRUSTSTORE_KEY;
  if (!bucket || !truststoreKey) throw new TypeError("CRL_KEY is set, but TRUSTSTORE_BUCKET or TRUSTSTORE_KEY is not");
  return {
    source: s3RevocationSource({ bucket, crlKey, truststoreKey, truststoreVersion: env.TRUSTSTORE_VERSION || undefined }),
    refreshSeconds: seconds(env.CRL_REFRESH_SECONDS, "CRL_REFRESH_SECONDS"),
    graceSeconds: seconds(env.CRL_GRACE_SECONDS, "CRL_GRACE_SECONDS"),
    // Lambda sets AWS_LAMBDA_FUNCTION_MEMORY_SIZE: a bundle the function cannot hold is refused, logged.
    maxBundleBytes: crlBundleLimitBytes(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ? Number(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE) : undefined),
  };
}

function seconds(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === "") return undefined;
  if (!/^\d{1,7}$/.test(value)) throw new TypeError(`${name} must be a whole number of seconds`);
  return Number(value);
}
