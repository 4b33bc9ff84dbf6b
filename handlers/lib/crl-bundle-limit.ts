/**
 * How large a CRL bundle the authorizer can load within its memory. While a refresh runs the
 * function holds the bundle's bytes (kept for the next conditional read), its text, one decoded
 * CRL, the new list's serial numbers and the old list's (about 1.2 bytes of heap per PEM byte
 * each), next to the Node.js runtime and the handler. Measured (issue 21, before this bound): a
 * 31 MB bundle peaked at 335 MB, over the function's 256 MB. So: what is left after the runtime,
 * divided by 8, and never more than MAX_CRL_BUNDLE_BYTES. At 256 MB that is 20 MiB of PEM:
 * about 400,000 revoked certificates. `cbat revocation check` applies the same limit.
 */

/** Absolute cap whatever the memory: a 100,000-entry CRL is about 4 MB of PEM. */
export const MAX_CRL_BUNDLE_BYTES = 32 * 1024 * 1024;
/** The authorizer's memory in the stack (stacks/bundled-function.ts default). */
export const AUTHORIZER_MEMORY_MB = 256;
/** The Node.js runtime, the handler bundle and the AWS SDK, with room to spare. */
const RESERVED_MB = 96;
/** Heap bytes per bundle byte at the peak of a refresh, with margin (see above). */
const PEAK_BYTES_PER_BUNDLE_BYTE = 8;
/** Signature checks per load are bounded too: each CRL costs one. */
export const MAX_CRLS_PER_BUNDLE = 5000;

/** The largest bundle a function of `memoryMb` loads (Lambda sets AWS_LAMBDA_FUNCTION_MEMORY_SIZE). */
export function crlBundleLimitBytes(memoryMb: number = AUTHORIZER_MEMORY_MB): number {
  if (!Number.isFinite(memoryMb) || memoryMb <= RESERVED_MB) return Math.min(MAX_CRL_BUNDLE_BYTES, 1024 * 1024);
  return Math.min(MAX_CRL_BUNDLE_BYTES, Math.floor(((memoryMb - RESERVED_MB) * 1024 * 1024) / PEAK_BYTES_PER_BUNDLE_BYTE));
}
