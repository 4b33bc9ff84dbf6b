/**
 * The fields of an X.509 certificate (RFC 5280 §4.1) that revocation checking needs: serial
 * number, issuer, subject and extensions, read with the DER helpers of der.ts. Node's
 * X509Certificate gives names only as text; a CRL meets its CA and its certificates by the
 * encoded Name, so the encodings are read here.
 */
import { decoding, elementsOf, expectUniversal, isContext, readOnlyElement, serialKeyOf, TAG, type DerElement } from "./der";

export interface CertificateFields {
  readonly serialKey: string;
  readonly issuer: DerElement;
  readonly subject: DerElement;
  /** The `[3]` extensions list, when present. */
  readonly extensions?: DerElement;
}

/** @throws RevocationListError naming `what` when the DER is not a certificate */
export function certificateFields(der: Uint8Array, what: string): CertificateFields {
  return decoding(what, () => {
    const [tbs] = elementsOf(readOnlyElement(der, what).value, what);
    const fields = elementsOf(tbs?.value, what);
    const offset = isContext(fields[0]?.value, 0) ? 1 : 0; // [0] EXPLICIT version, absent for v1
    const [serial, , issuer, , subject] = fields.slice(offset);
    expectUniversal(issuer?.value, TAG.SEQUENCE, `${what} issuer`);
    expectUniversal(subject?.value, TAG.SEQUENCE, `${what} subject`);
    // After serial, signature, issuer, validity, subject and subjectPublicKeyInfo: [1], [2] unique ids, [3] extensions.
    const extensions = fields.slice(offset + 6).find((field) => isContext(field.value, 3));
    return {
      serialKey: serialKeyOf(serial?.value, `${what} serialNumber`),
      issuer,
      subject,
      extensions: extensions && readOnlyElement(extensions.value.contents(), `${what} extensions`),
    };
  });
}
