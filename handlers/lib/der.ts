/**
 * Reading DER: this module finds each tag-length-value itself, in one pass and without copying
 * (every value is a view into the input), and hands the contents to der-value.ts's ASN1Value
 * for the typed decodings (BOOLEAN, BIT STRING, times).
 *
 * Why not @oslojs/asn1's parseASN1 (used before): it copies the rest of the input for a high tag number
 * (`data.slice(offset)`) and copies every element's contents, so with a plain Uint8Array a
 * SEQUENCE of `1F 1F 00` elements took quadratic time (77 s at 710 KB; issue 21). Here each
 * element costs its header plus O(1), whatever the input type, and lengths are strict DER
 * (definite, minimally encoded, within the input).
 */
import { ASN1Class, ASN1Form, ASN1Value } from "./der-value";
import { RevocationListError } from "./errors";

export const TAG = { BOOLEAN: 1, INTEGER: 2, BIT_STRING: 3, OCTET_STRING: 4, OID: 6, SEQUENCE: 16, SET: 17, UTC_TIME: 23, GENERALIZED_TIME: 24 } as const;

/** One element: the decoded value and its whole encoding (tag, length and contents). */
export interface DerElement {
  readonly value: ASN1Value;
  readonly encoded: Uint8Array;
}

const CLASSES = [ASN1Class.Universal, ASN1Class.Application, ASN1Class.ContextSpecific, ASN1Class.Private] as const;
/** High tag numbers beyond this many octets are refused; X.509 uses none at all. */
const MAX_TAG_OCTETS = 3;

/** The element at the start of `bytes`, read in time proportional to its header. @throws RevocationListError naming `what` */
export function readElement(bytes: Uint8Array, what: string): DerElement {
  const invalid = () => new RevocationListError(`${what} is not valid DER`);
  const size = bytes.byteLength;
  if (size < 2) throw invalid();
  const first = bytes[0];
  let offset = 1;
  let tag = first & 0x1f;
  if (tag === 0x1f) {
    tag = 0;
    for (let octets = 1; ; octets++) {
      if (offset >= size || octets > MAX_TAG_OCTETS) throw invalid();
      const byte = bytes[offset++];
      if (octets === 1 && byte === 0x80) throw invalid(); // not minimal
      tag = tag * 128 + (byte & 0x7f);
      if ((byte & 0x80) === 0) break;
    }
    if (tag < 0x1f) throw invalid(); // a low tag number in the long form
  }
  if (offset >= size) throw invalid();
  const lengthByte = bytes[offset++];
  let length = lengthByte;
  if (lengthByte === 0x80 || lengthByte === 0xff) throw invalid(); // indefinite, reserved
  if (lengthByte > 0x80) {
    const lengthOctets = lengthByte & 0x7f;
    if (lengthOctets > 4 || offset + lengthOctets > size || bytes[offset] === 0) throw invalid();
    length = 0;
    for (let i = 0; i < lengthOctets; i++) length = length * 256 + bytes[offset++];
    if (length < 0x80) throw invalid(); // DER: the short form when it fits
  }
  if (length > size - offset) throw invalid();
  const form = (first & 0x20) === 0 ? ASN1Form.Primitive : ASN1Form.Constructed;
  const value = new ASN1Value(CLASSES[first >> 6], form, tag, bytes.subarray(offset, offset + length));
  return { value, encoded: bytes.subarray(0, offset + length) };
}

/** Exactly one element filling `bytes`. */
export function readOnlyElement(bytes: Uint8Array, what: string): DerElement {
  const element = readElement(bytes, what);
  if (element.encoded.byteLength !== bytes.byteLength) throw new RevocationListError(`${what} has trailing bytes after its DER encoding`);
  return element;
}

/** Calls `visit` for each element of a constructed value's contents, in order (linear, see above). */
export function forEachElement(contents: Uint8Array, what: string, visit: (element: DerElement) => void): void {
  let position = 0;
  while (position < contents.byteLength) {
    const element = readElement(contents.subarray(position), what);
    position += element.encoded.byteLength;
    visit(element);
  }
}

/**
 * The elements of a SEQUENCE (or SET) value. `max` bounds what is read for a structure of known
 * size (a CertificateList has 3): a huge value of tiny elements is refused at element max + 1
 * instead of turned into millions of objects.
 */
export function elementsOf(value: ASN1Value | undefined, what: string, tag: number = TAG.SEQUENCE, max = MAX_ELEMENTS): DerElement[] {
  expectUniversal(value, tag, what);
  const elements: DerElement[] = [];
  forEachElement(value.contents(), what, (element) => {
    if (elements.length === max) throw new RevocationListError(`${what} has more than ${max} elements`);
    elements.push(element);
  });
  return elements;
}

/** Default bound of elementsOf: names, extension lists. (Revoked entries are streamed, never listed.) */
const MAX_ELEMENTS = 256;

export function isUniversal(value: ASN1Value | undefined, tag: number): boolean {
  return value !== undefined && value.class === ASN1Class.Universal && value.tag === tag;
}

/** A context-specific tag `[n]`, e.g. the `[0] EXPLICIT` around CRL extensions. */
export function isContext(value: ASN1Value | undefined, tag: number): boolean {
  return value !== undefined && value.class === ASN1Class.ContextSpecific && value.tag === tag;
}

export function expectUniversal(value: ASN1Value | undefined, tag: number, what: string): asserts value is ASN1Value {
  const constructed = tag === TAG.SEQUENCE || tag === TAG.SET;
  if (!isUniversal(value, tag) || (value!.form === ASN1Form.Constructed) !== constructed) {
    throw new RevocationListError(`${what} has an unexpected DER type`);
  }
}

/**
 * Runs `read`, turning the library's own decoding errors (a malformed BOOLEAN, BIT STRING…)
 * into a RevocationListError about `what`.
 */
export function decoding<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof RevocationListError) throw error;
    throw new RevocationListError(`${what} is malformed DER`);
  }
}

/** Lowercase hex of bytes, the form of every key in our maps. */
export function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/**
 * A certificate serial number as a map key: the INTEGER's content octets in hex, leading zero
 * octets dropped, so a CRL and a certificate that encode the same number meet on one key.
 */
export function serialKeyOf(value: ASN1Value | undefined, what: string): string {
  expectUniversal(value, TAG.INTEGER, what);
  const octets = value.contents();
  if (octets.byteLength === 0) throw new RevocationListError(`${what} is an empty INTEGER`);
  let start = 0;
  while (start < octets.byteLength - 1 && octets[start] === 0) start++;
  return hexOf(octets.subarray(start));
}

/** UTCTime or GeneralizedTime, in milliseconds since the epoch (RFC 5280 §4.1.2.5: UTCTime years 50-99 are 19xx). */
export function timeOf(value: ASN1Value, what: string): number {
  let fields: { year: number; month: number; date: number; hours: number; minutes: number; seconds: number };
  try {
    if (isUniversal(value, TAG.UTC_TIME)) {
      const t = value.utcTime();
      fields = { ...t, year: t.year + (t.year >= 50 ? 1900 : 2000) };
    } else if (isUniversal(value, TAG.GENERALIZED_TIME)) {
      fields = value.generalizedTime();
    } else {
      throw new RevocationListError(`${what} is not a time`);
    }
  } catch (error) {
    if (error instanceof RevocationListError) throw error;
    throw new RevocationListError(`${what} is not a valid UTCTime or GeneralizedTime`);
  }
  const time = Date.UTC(fields.year, fields.month - 1, fields.date, fields.hours, fields.minutes, fields.seconds);
  if (new Date(time).getUTCDate() !== fields.date) throw new RevocationListError(`${what} is not a valid date`);
  return time;
}

/** Dotted form of an OBJECT IDENTIFIER, for messages. */
export function oidText(value: ASN1Value): string {
  const bytes = value.contents();
  const arcs: number[] = [];
  let arc = 0;
  for (const byte of bytes) {
    arc = arc * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      if (arcs.length === 0) arcs.push(arc < 80 ? Math.floor(arc / 40) : 2, arc < 80 ? arc % 40 : arc - 80);
      else arcs.push(arc);
      arc = 0;
    }
  }
  return arcs.join(".");
}

const NAME_ATTRIBUTES: Readonly<Record<string, string>> = {
  "2.5.4.3": "CN", "2.5.4.6": "C", "2.5.4.7": "L", "2.5.4.8": "ST", "2.5.4.10": "O", "2.5.4.11": "OU",
  "0.9.2342.19200300.100.1.25": "DC", "1.2.840.113549.1.9.1": "emailAddress",
};

/** A distinguished name for messages, in encoded order: `CN=Example CA, O=Example`. Never throws. */
export function nameText(encodedName: Uint8Array): string {
  try {
    const parts: string[] = [];
    for (const rdn of elementsOf(readElement(encodedName, "name").value, "name")) {
      for (const attribute of elementsOf(rdn.value, "name", TAG.SET)) {
        const [type, text] = elementsOf(attribute.value, "name");
        const label = NAME_ATTRIBUTES[oidText(type.value)] ?? oidText(type.value);
        parts.push(`${label}=${Buffer.from(text.value.contents()).toString("utf8")}`);
      }
    }
    return parts.join(", ");
  } catch {
    return "(unreadable name)";
  }
}
