/**
 * The typed DER decodings the CRL reader uses (lib/der-value.ts), on hand-encoded contents: what
 * DER allows decodes, everything else throws (der.ts turns that into a RevocationListError).
 */
import { ASN1Class, ASN1Form, ASN1Value } from "../../handlers/lib/der-value";

const universal = (tag: number, contents: number[] | string, form: ASN1Form = ASN1Form.Primitive) =>
  new ASN1Value(ASN1Class.Universal, form, tag, typeof contents === "string" ? new Uint8Array(Buffer.from(contents, "latin1")) : new Uint8Array(contents));

test("BOOLEAN: one octet, 00 or FF", () => {
  expect(universal(1, [0xff]).boolean().value).toBe(true);
  expect(universal(1, [0x00]).boolean().value).toBe(false);
  for (const bad of [[0x01], [], [0xff, 0x00]]) expect(() => universal(1, bad).boolean()).toThrow();
  expect(() => universal(2, [0xff]).boolean()).toThrow(); // an INTEGER
  expect(() => universal(1, [0xff], ASN1Form.Constructed).boolean()).toThrow();
  expect(() => new ASN1Value(ASN1Class.ContextSpecific, ASN1Form.Primitive, 1, new Uint8Array([0xff])).boolean()).toThrow();
});

test("BIT STRING: the unused-bits octet counts, at most 7 and only with bits after it", () => {
  const bits = universal(3, [0x01, 0x86]).bitString();
  expect([...bits.bytes]).toEqual([0x86]);
  expect(bits.length).toBe(7);
  expect(universal(3, [0x00]).bitString().length).toBe(0);
  for (const bad of [[], [0x08, 0x00], [0x01]]) expect(() => universal(3, bad).bitString()).toThrow();
});

test("UTCTime and GeneralizedTime: fixed-width digits and Z", () => {
  expect(universal(23, "261125100000Z").utcTime()).toEqual({ year: 26, month: 11, date: 25, hours: 10, minutes: 0, seconds: 0 });
  expect(universal(24, "20261125100000Z").generalizedTime()).toMatchObject({ year: 2026, month: 11, date: 25, hours: 10, minutes: 0, seconds: 0, milliseconds: 0 });
  expect(universal(24, "20261125100000.5Z").generalizedTime().milliseconds).toBe(500);
  for (const bad of ["2611251000Z", "261125100000", "26112510000+Z", "2611251 0000Z", "261125100000z"]) expect(() => universal(23, bad).utcTime()).toThrow();
  for (const bad of ["20261125100000", "2026112510000Z", "20261125100000.1234Z", "20261125100000.Z", "20261125100000.1.2Z", "+0261125100000Z"]) {
    expect(() => universal(24, bad).generalizedTime()).toThrow();
  }
  expect(() => universal(23, [0x32, 0x36, 0xb1, 0x31, 0x32, 0x35, 0x31, 0x30, 0x30, 0x30, 0x30, 0x30, 0x5a]).utcTime()).toThrow(); // not ASCII
  expect(() => universal(24, "261125100000Z").utcTime()).toThrow(); // wrong tag
});
