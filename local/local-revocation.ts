/**
 * Revocation for the local gateway: the authorizer bundle's own file source reads the dev PKI's
 * crl.pem and ca.pem (where the stack's authorizer reads S3), refreshed every second so that
 * `cbat pki revoke` takes effect within about two. Settings the stack gives as Terraform
 * variables (not known locally) fall back to the authorizer's defaults.
 */
import type { RevocationOptions, RevocationSource } from "../handlers/authorizer";

/** Seconds between reloads of crl.pem (the "≤ 2 s locally", with room for the load itself). */
export const LOCAL_CRL_REFRESH_SECONDS = 1;

export interface LocalRevocation {
  readonly options: RevocationOptions;
  /** Makes the source report "unchanged" from now on: a closed environment reads no more files. */
  stop(): void;
}

export function localRevocation(
  fileRevocationSource: (files: { crlFile: string; truststoreFile: string }) => RevocationSource,
  files: { crlFile: string; truststoreFile: string },
  environment: Readonly<Record<string, string>>,
): LocalRevocation {
  const source = fileRevocationSource(files);
  let stopped = false;
  const grace = environment.CRL_GRACE_SECONDS;
  return {
    options: {
      source: { description: source.description, read: (current) => (stopped ? Promise.resolve(undefined) : source.read(current)) },
      refreshSeconds: LOCAL_CRL_REFRESH_SECONDS,
      graceSeconds: grace !== undefined && /^\d+$/.test(grace) ? Number(grace) : undefined,
    },
    stop: () => void (stopped = true),
  };
}
