/**
 * Distinguished names compared as RFC 8705 §2.1.2 asks: the registered `tls_client_auth`
 * subject DN (an RFC 4514 string) against the certificate's subject Name (DER), with RFC 4517
 * distinguishedNameMatch: the same RDNs in the same order; within an RDN the same attribute
 * types in any order; each value compared by its attribute's equality rule. The rules of the
 * directory string attributes (caseIgnoreMatch, caseIgnoreIA5Match) prepare values per RFC 4518:
 * Unicode NFKC, case folded, insignificant spaces (leading, trailing, runs) removed. Attribute
 * types match by OID, so `CN`, `cn` and `2.5.4.3` are one type. Plain text, no DER: synth
 * validates registered DNs with it (certificate-name.ts reads a certificate's encoded Name).
 */

/** One attribute of an RDN: its type (dotted OID) and its value, prepared for comparison. */
export interface NameAttribute {
  readonly oid: string;
  /** Prepared text, or with `der` the hex of the value's DER encoding. */
  readonly value: string;
  /** The value is an encoding, compared byte for byte: never equal to a text value, whatever its characters. */
  readonly der: boolean;
}

/** RDNs in the order of the encoded Name (RFC 5280: most general first); each RDN's attributes sorted. */
export type DistinguishedName = readonly (readonly NameAttribute[])[];

/** A DN string that cannot be read; the message says where, never repeats the whole input. */
export class DistinguishedNameError extends Error {}

/** Short names of RFC 4519 and the certificate profiles (RFC 5280, eIDAS/FAPI organizationIdentifier). */
const ATTRIBUTE_TYPES: Readonly<Record<string, string>> = {
  cn: "2.5.4.3", commonname: "2.5.4.3", sn: "2.5.4.4", surname: "2.5.4.4", serialnumber: "2.5.4.5",
  c: "2.5.4.6", countryname: "2.5.4.6", l: "2.5.4.7", localityname: "2.5.4.7", st: "2.5.4.8", s: "2.5.4.8",
  stateorprovincename: "2.5.4.8", street: "2.5.4.9", streetaddress: "2.5.4.9", o: "2.5.4.10",
  organizationname: "2.5.4.10", ou: "2.5.4.11", organizationalunitname: "2.5.4.11", title: "2.5.4.12",
  businesscategory: "2.5.4.15", postalcode: "2.5.4.17", gn: "2.5.4.42", givenname: "2.5.4.42",
  initials: "2.5.4.43", generationqualifier: "2.5.4.44", dnqualifier: "2.5.4.46", pseudonym: "2.5.4.65",
  organizationidentifier: "2.5.4.97", dc: "0.9.2342.19200300.100.1.25", domaincomponent: "0.9.2342.19200300.100.1.25",
  uid: "0.9.2342.19200300.100.1.1", userid: "0.9.2342.19200300.100.1.1",
  emailaddress: "1.2.840.113549.1.9.1", email: "1.2.840.113549.1.9.1",
};

/** Types whose equality rule is not caseIgnore*: their values compare as their exact encoding. */
export const CASE_IGNORE_TYPES = new Set(Object.values(ATTRIBUTE_TYPES));

/** RFC 4518 preparation for caseIgnoreMatch / caseIgnoreIA5Match. */
export function prepareValue(value: string): string {
  return value.normalize("NFKC").toUpperCase().toLowerCase().replace(/\s+/gu, " ").trim();
}

/**
 * String types a Name may carry (RFC 5280 DirectoryString, IA5String, PrintableString), by the
 * value's identifier octet (universal class, primitive); undefined for any other.
 */
export function decodeDirectoryString(identifier: number, bytes: Uint8Array): string | undefined {
  switch (identifier) {
    case 12: // UTF8String
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    case 19: // PrintableString
    case 22: // IA5String
    case 20: // TeletexString, read as Latin-1 as most software does
      return Buffer.from(bytes).toString("latin1");
    case 30: // BMPString, UTF-16BE
      return new TextDecoder("utf-16be", { fatal: true }).decode(bytes);
    default:
      return undefined;
  }
}

/** The string an RFC 4514 `#hex` value encodes (one DER TLV of a string type); undefined for another type. @throws TypeError when it is not one whole DER TLV */
function stringOfHexValue(hex: string): string | undefined {
  const bytes = Buffer.from(hex, "hex");
  // A high tag number (…11111) is no string type: the value compares as its encoding.
  if (bytes.length > 0 && (bytes[0] & 0x1f) === 0x1f) return undefined;
  let length = bytes[1];
  let start = 2;
  if (length !== undefined && length >= 0x80) {
    const octets = length & 0x7f;
    if (octets < 1 || octets > 3) throw new TypeError("not one DER value");
    length = bytes.subarray(2, 2 + octets).reduce((n, b) => n * 256 + b, 0);
    start = 2 + octets;
  }
  if (bytes.length < 2 || start + length !== bytes.length) throw new TypeError("not one DER value");
  return decodeDirectoryString(bytes[0], bytes.subarray(start));
}

/**
 * An attribute prepared for comparison. A `#hex` value of a directory string type is decoded
 * and compared as its text (so `CN=#0c0970…` and a certificate's `CN=partner-a` match); other
 * encoded values, and every value of the types without a string rule here, compare as encodings.
 * @throws TypeError when a `#hex` value of a directory string type is not one DER value
 */
export function attribute(oid: string, raw: string | { hex: string }): NameAttribute {
  if (typeof raw === "object") {
    const text = CASE_IGNORE_TYPES.has(oid) ? stringOfHexValue(raw.hex) : undefined;
    return text === undefined ? { oid, value: raw.hex, der: true } : { oid, value: prepareValue(text), der: false };
  }
  return { oid, value: CASE_IGNORE_TYPES.has(oid) ? prepareValue(raw) : raw, der: false };
}

export function sortedRdn(attributes: NameAttribute[]): NameAttribute[] {
  return attributes.sort((a, b) => (a.oid < b.oid ? -1 : a.oid > b.oid ? 1 : a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

/**
 * Reads an RFC 4514 string (`CN=partner-a,O=Example Corp,C=GB`: the most specific RDN first).
 * Also takes the spaces around `,`, `+` and `=` that RFC 2253 writers put there.
 * @throws DistinguishedNameError saying what is wrong and at which character
 */
export function parseDistinguishedName(text: string): DistinguishedName {
  if (typeof text !== "string" || text.trim() === "") throw new DistinguishedNameError('a subject DN must be a non-empty RFC 4514 string such as "CN=partner-a,O=Example Corp,C=GB"');
  const rdns: NameAttribute[][] = [];
  let current: NameAttribute[] = [];
  let i = 0;
  const fail = (problem: string, at = i): never => {
    throw new DistinguishedNameError(`${problem} at character ${at + 1} of the DN (RFC 4514: TYPE=value pairs joined by "," or, within one RDN, "+"; escape , + " \\ < > ; with a backslash)`);
  };
  const skipSpaces = () => {
    while (text[i] === " ") i++;
  };
  for (;;) {
    skipSpaces();
    const typeMatch = /^([A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)/.exec(text.slice(i));
    if (!typeMatch) fail("expected an attribute type (CN, O, 2.5.4.3, …)");
    const typeText = typeMatch![1];
    i += typeText.length;
    const oid = /^\d/.test(typeText) ? typeText : ATTRIBUTE_TYPES[typeText.toLowerCase()];
    if (oid === undefined) fail(`unknown attribute type "${typeText.slice(0, 40)}"; write it as its dotted OID`, i - typeText.length);
    skipSpaces();
    if (text[i] !== "=") fail('expected "="');
    i++;
    skipSpaces();
    let value: string | { hex: string };
    const valueStart = i;
    if (text[i] === "#") {
      const hex = /^#((?:[0-9A-Fa-f]{2})+)/.exec(text.slice(i));
      if (!hex) fail("expected hex pairs after #");
      i += hex![0].length;
      value = { hex: hex![1].toLowerCase() };
    } else {
      const bytes: number[] = [];
      let trailingSpaces = 0;
      while (i < text.length && text[i] !== "," && text[i] !== "+") {
        const ch = text[i];
        if (ch === "\\") {
          const next = text[i + 1];
          if (next !== undefined && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
            bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
            i += 3;
          } else if (next !== undefined && ' "#+,;<=>\\'.includes(next)) {
            bytes.push(next.charCodeAt(0));
            i += 2;
          } else {
            fail("a backslash must escape one of , + \" \\ < > ; = # space, or two hex digits");
          }
          trailingSpaces = 0;
          continue;
        }
        if (ch === '"' || ch === ";" || ch === "<" || ch === ">") fail(`unescaped ${ch}`);
        // Line breaks and other controls have no place in a name, and would break the plan review's table.
        if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(ch)) fail("a control character (line break, tab, …)");
        bytes.push(...Buffer.from(ch, "utf8"));
        trailingSpaces = ch === " " ? trailingSpaces + 1 : 0;
        i++;
      }
      const decoded = Buffer.from(bytes.slice(0, bytes.length - trailingSpaces));
      value = new TextDecoder("utf-8", { fatal: true }).decode(decoded);
      if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(value)) fail("a control character (escaped as hex)", valueStart);
    }
    // A certificate's value of such a type is compared as its encoding, which text never equals.
    if (typeof value === "string" && !CASE_IGNORE_TYPES.has(oid!)) {
      fail(`${oid} has no string matching rule here: write its value as # and the hex of its DER encoding`, valueStart);
    }
    try {
      current.push(attribute(oid!, value));
    } catch {
      fail("the hex after # must be one DER-encoded value", valueStart);
    }
    if (i >= text.length) break;
    if (text[i] === ",") {
      rdns.push(current);
      current = [];
    }
    i++;
  }
  rdns.push(current);
  // RFC 4514 writes the last RDN of the sequence first.
  return rdns.reverse().map(sortedRdn);
}

/** RFC 4517 §4.2.15 distinguishedNameMatch of two prepared names. */
export function distinguishedNamesMatch(a: DistinguishedName, b: DistinguishedName): boolean {
  return a.length === b.length && a.every((rdn, r) => rdn.length === b[r].length && rdn.every((attr, n) => attr.oid === b[r][n].oid && attr.der === b[r][n].der && attr.value === b[r][n].value));
}
