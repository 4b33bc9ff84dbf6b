/**
 * The truststore as CRL signers: each CA certificate's encoded subject (which a CRL's issuer
 * must equal), its public key, and whether it may sign CRLs (a CA, with `cRLSign` when it has
 * a key usage extension: RFC 5280 §6.3.3 (f)).
 */
import { X509Certificate, type KeyObject } from "node:crypto";
import { certificateFields } from "./certificate-fields";
import { decoding, elementsOf, expectUniversal, hexOf, isUniversal, nameText, oidText, readOnlyElement, TAG, type DerElement } from "./der";
import { CertificateFormatError, RevocationListError } from "./errors";
import { decodePemBlocks } from "./thumbprint";

/** API Gateway accepts truststores up to 1 MB; some room for comments and line ends. */
export const MAX_TRUSTSTORE_BYTES = 4 * 1024 * 1024;

const KEY_USAGE = "2.5.29.15";
/** cRLSign is bit 6 of KeyUsage: the second lowest bit of the first octet. */
const CRL_SIGN_MASK = 0x02;

export interface TrustAnchor {
  /** e.g. `truststore certificate 2 (CN=Example Issuing CA)`, for messages. */
  readonly label: string;
  readonly subjectKey: string;
  readonly subjectText: string;
  readonly publicKey: KeyObject;
  /** A CA certificate whose key usage (if any) includes cRLSign. */
  readonly mayIssueCrls: boolean;
}

/** Every certificate of a PEM truststore. @throws RevocationListError naming the certificate */
export function readTruststore(bytes: Uint8Array): TrustAnchor[] {
  if (bytes.byteLength > MAX_TRUSTSTORE_BYTES) throw new RevocationListError(`the truststore is larger than ${MAX_TRUSTSTORE_BYTES} bytes`);
  let blocks;
  try {
    blocks = decodePemBlocks(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1"), MAX_TRUSTSTORE_BYTES);
  } catch (error) {
    if (error instanceof CertificateFormatError) throw new RevocationListError(`the truststore is not a clean PEM bundle: ${error.message}`);
    throw error;
  }
  return blocks.map(({ label, der }, i) => {
    const what = `truststore certificate ${i + 1}`;
    if (label !== "CERTIFICATE") throw new RevocationListError(`${what} is a ${label} PEM block, expected CERTIFICATE`);
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(der);
    } catch {
      throw new RevocationListError(`${what} is not a valid X.509 certificate`);
    }
    const fields = certificateFields(der, what);
    const subjectText = nameText(fields.subject.encoded);
    return {
      label: `${what} (${subjectText})`,
      subjectKey: hexOf(fields.subject.encoded),
      subjectText,
      publicKey: certificate.publicKey,
      mayIssueCrls: certificate.ca && allowsCrlSigning(fields.extensions, what),
    };
  });
}

function allowsCrlSigning(extensions: DerElement | undefined, what: string): boolean {
  if (!extensions) return true;
  return decoding(what, () => {
    for (const { value } of elementsOf(extensions.value, what)) {
      const [id, ...rest] = elementsOf(value, what);
      expectUniversal(id?.value, TAG.OID, what);
      if (oidText(id.value) !== KEY_USAGE) continue;
      const octets = rest[rest.length - 1];
      expectUniversal(octets?.value, TAG.OCTET_STRING, what);
      const usage = readOnlyElement(octets.value.contents(), `${what} keyUsage`);
      if (!isUniversal(usage.value, TAG.BIT_STRING)) throw new RevocationListError(`${what} keyUsage is not a BIT STRING`);
      const bits = usage.value.bitString();
      return bits.length > 6 && (bits.bytes[0] & CRL_SIGN_MASK) !== 0;
    }
    return true;
  });
}
