/**
 * A certificate's encoded Name (DER) as a DistinguishedName to compare (distinguished-name.ts)
 * or as its RFC 4514 text. Apart from the string rules so that synth, which validates registered
 * DNs, never loads the DER reader (an ES module that a consumer's jest cannot require).
 */
import { decoding, elementsOf, readOnlyElement, oidText, TAG } from "./der";
import { attribute, CASE_IGNORE_TYPES, decodeDirectoryString, sortedRdn, type DistinguishedName } from "./distinguished-name";

/**
 * The encoded Name (a certificate's subject or issuer) as a DistinguishedName.
 * @throws RevocationListError when it is not a DER Name
 */
export function distinguishedNameOfDer(encodedName: Uint8Array): DistinguishedName {
  return decoding("certificate name", () =>
    elementsOf(readOnlyElement(encodedName, "certificate name").value, "certificate name").map((rdn) =>
      sortedRdn(elementsOf(rdn.value, "certificate name RDN", TAG.SET).map((typeAndValue) => {
        const [type, value] = elementsOf(typeAndValue.value, "certificate name attribute");
        const oid = oidText(type.value);
        // The whole identifier octet: a context- or application-class [12] is no UTF8String.
        const text = decodeDirectoryString(value.encoded[0], value.value.contents());
        return attribute(oid, text === undefined || !CASE_IGNORE_TYPES.has(oid) ? { hex: Buffer.from(value.encoded).toString("hex") } : text);
      })),
    ),
  );
}

const SHORT_NAMES: Readonly<Record<string, string>> = {
  "2.5.4.3": "CN", "2.5.4.6": "C", "2.5.4.7": "L", "2.5.4.8": "ST", "2.5.4.9": "STREET", "2.5.4.10": "O", "2.5.4.11": "OU",
  "0.9.2342.19200300.100.1.25": "DC", "0.9.2342.19200300.100.1.1": "UID",
};

/**
 * The RFC 4514 string of an encoded Name, as written in it (case kept): what to register as a
 * `tls_client_auth` subject DN. Types without a short name are written as OIDs with #hex values.
 * @throws RevocationListError when it is not a DER Name
 */
export function distinguishedNameText(encodedName: Uint8Array): string {
  return decoding("certificate name", () =>
    elementsOf(readOnlyElement(encodedName, "certificate name").value, "certificate name").map((rdn) =>
      elementsOf(rdn.value, "certificate name RDN", TAG.SET).map((typeAndValue) => {
        const [type, value] = elementsOf(typeAndValue.value, "certificate name attribute");
        const oid = oidText(type.value);
        const text = SHORT_NAMES[oid] ? decodeDirectoryString(value.encoded[0], value.value.contents()) : undefined;
        if (text === undefined) return `${oid}=#${Buffer.from(value.encoded).toString("hex")}`;
        const escaped = text.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`).replace(/^[ #]/, (c) => `\\${c}`).replace(/ $/, "\\ ");
        return `${SHORT_NAMES[oid]}=${escaped}`;
      }).join("+"),
    ).reverse().join(","),
  );
}
