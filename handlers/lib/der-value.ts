/**
 * One DER element's class, form, tag and contents (a view into the input, never copied), with
 * the few typed decodings the CRL and certificate readers need: BOOLEAN, BIT STRING, UTCTime and
 * GeneralizedTime. der.ts finds the elements. Same checks as @oslojs/asn1's ASN1Value, which this
 * replaced (the whole library for five methods was a third of the authorizer's bundle, and every
 * cold start compiles the bundle), except that time digits must be digits (its `Number()` took
 * "+1" or " 1"). A malformed value throws an Error; der.ts turns it into a RevocationListError.
 */

export const ASN1Class = { Universal: 0, Application: 1, ContextSpecific: 2, Private: 3 } as const;
export type ASN1Class = (typeof ASN1Class)[keyof typeof ASN1Class];
export const ASN1Form = { Primitive: 0, Constructed: 1 } as const;
export type ASN1Form = (typeof ASN1Form)[keyof typeof ASN1Form];

const UNIVERSAL = { BOOLEAN: 1, BIT_STRING: 3, UTC_TIME: 23, GENERALIZED_TIME: 24 } as const;
const DIGITS = /^[0-9]+$/;

/** The fields of a UTCTime (two-digit year) or GeneralizedTime. */
export interface DerTime {
  readonly year: number;
  readonly month: number;
  readonly date: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
}

export class ASN1Value {
  readonly class: ASN1Class;

  constructor(asn1Class: ASN1Class, readonly form: ASN1Form, readonly tag: number, private readonly bytes: Uint8Array) {
    this.class = asn1Class;
  }

  contents(): Uint8Array {
    return this.bytes;
  }

  boolean(): { readonly value: boolean } {
    this.expectPrimitive(UNIVERSAL.BOOLEAN);
    if (this.bytes.byteLength !== 1 || (this.bytes[0] !== 0x00 && this.bytes[0] !== 0xff)) throw malformed();
    return { value: this.bytes[0] === 0xff };
  }

  /** The bits after the unused-bits octet, and how many of them count. */
  bitString(): { readonly bytes: Uint8Array; readonly length: number } {
    this.expectPrimitive(UNIVERSAL.BIT_STRING);
    if (this.bytes.byteLength < 1) throw malformed();
    const unusedBits = this.bytes[0];
    const bytes = this.bytes.slice(1);
    if (unusedBits > 7 || (unusedBits > 0 && bytes.byteLength === 0)) throw malformed();
    return { bytes, length: bytes.byteLength * 8 - unusedBits };
  }

  /** `YYMMDDHHMMSSZ`; the year as written (two digits). */
  utcTime(): DerTime {
    this.expectPrimitive(UNIVERSAL.UTC_TIME);
    const text = asciiOf(this.bytes);
    if (text.length !== 13 || !text.endsWith("Z")) throw malformed();
    const [year, month, date, hours, minutes, seconds] = numbersOf(text, [2, 2, 2, 2, 2, 2]);
    return { year, month, date, hours, minutes, seconds };
  }

  /** `YYYYMMDDHHMMSS[.fff]Z`. */
  generalizedTime(): DerTime & { readonly milliseconds: number } {
    this.expectPrimitive(UNIVERSAL.GENERALIZED_TIME);
    const text = asciiOf(this.bytes);
    if (!text.endsWith("Z")) throw malformed();
    const [whole, fraction, ...rest] = text.slice(0, -1).split(".");
    if (whole.length !== 14 || rest.length > 0 || (fraction !== undefined && (fraction.length > 3 || !DIGITS.test(fraction)))) throw malformed();
    const [year, month, date, hours, minutes, seconds] = numbersOf(whole, [4, 2, 2, 2, 2, 2]);
    return { year, month, date, hours, minutes, seconds, milliseconds: fraction === undefined ? 0 : Number(fraction.padEnd(3, "0")) };
  }

  private expectPrimitive(tag: number): void {
    if (this.class !== ASN1Class.Universal || this.tag !== tag || this.form !== ASN1Form.Primitive) throw malformed();
  }
}

const malformed = () => new Error("malformed DER value");

function asciiOf(bytes: Uint8Array): string {
  for (const byte of bytes) if (byte > 0x7f) throw malformed();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}

/** Consecutive fixed-width decimal fields from the start of `text`. */
function numbersOf(text: string, widths: readonly number[]): number[] {
  let offset = 0;
  return widths.map((width) => {
    const digits = text.slice(offset, (offset += width));
    if (!DIGITS.test(digits)) throw malformed();
    return Number(digits);
  });
}
