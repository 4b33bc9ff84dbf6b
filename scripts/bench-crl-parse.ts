/**
 * Worst-case CRL parse figures for `npm run bench` (issue 21): the shapes that were quadratic or
 * heavy before, at the largest size the authorizer accepts (crl-bundle-limit.ts at 256 MB) and
 * at the absolute cap, each as a plain Uint8Array (what the S3 source hands over). A load is
 * refused at the first structural or signature error, so each figure is the time to refusal.
 */
import { createCa } from "../__tests__/support/certificates";
import { libraryCrl } from "../__tests__/support/crls";
import { crlBundleLimitBytes, MAX_CRL_BUNDLE_BYTES } from "../handlers/lib/crl-bundle-limit";
import { RevocationList } from "../handlers/lib/revocation-list";

/** One DER SEQUENCE of `1F 1F 00` (high-tag, empty) elements filling `size` bytes. */
function highTagSequence(size: number): Uint8Array {
  const count = Math.floor((size - 5) / 3);
  const length = count * 3; // under 2^24: a minimal three-octet DER length
  const bytes = new Uint8Array(5 + length);
  bytes.set([0x30, 0x83, length >>> 16, (length >>> 8) & 0xff, length & 0xff]);
  for (let i = 0; i < count; i++) bytes.set([0x1f, 0x1f, 0x00], 5 + i * 3);
  return bytes;
}

function timed(shape: string, bytes: Uint8Array, truststore: Buffer): void {
  const started = process.hrtime.bigint();
  let outcome = "loaded";
  try {
    RevocationList.fromBundles(new Uint8Array(bytes), truststore, { maxBundleBytes: MAX_CRL_BUNDLE_BYTES });
  } catch (error) {
    outcome = `refused: ${(error as Error).message.slice(0, 70)}`;
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(`  ${shape.padEnd(58)} ${(bytes.byteLength / 1024 / 1024).toFixed(1).padStart(5)} MB  ${ms.toFixed(0).padStart(6)} ms  ${outcome}`);
}

async function main(): Promise<void> {
  const ca = await createCa("CN=Bench Parse CA,O=cbat bench");
  const truststore = Buffer.from(ca.pem);
  const forged = await libraryCrl(ca, [], { signingKey: (await createCa("CN=Bench Parse CA,O=cbat bench")).keys.privateKey as never });
  console.log(`CRL parse, worst cases (plain Uint8Array; limit at 256 MB: ${crlBundleLimitBytes(256)} bytes, cap ${MAX_CRL_BUNDLE_BYTES}):`);
  for (const size of [710 * 1024, crlBundleLimitBytes(256), 16 * 1024 * 1024 - 1]) {
    timed("DER SEQUENCE of 1F 1F 00 elements (was quadratic)", highTagSequence(size), truststore);
  }
  const copies = Math.floor(MAX_CRL_BUNDLE_BYTES / forged.length);
  timed(`PEM bundle of ${copies} unsigned (forged) CRLs`, Buffer.concat(Array.from({ length: copies }, () => forged)), truststore);
}

void main();
