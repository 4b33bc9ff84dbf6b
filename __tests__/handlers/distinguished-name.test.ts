/**
 * tls_client_auth's subject DN check (RFC 8705 §2.1.2 with RFC 4517 distinguishedNameMatch), on
 * real certificates from openssl: their Names in UTF8String and PrintableString, multi-valued
 * RDNs, and the RFC 4514 strings a client registration may be written as.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { certificateFields } from "../../handlers/lib/certificate-fields";
import { distinguishedNameOfDer } from "../../handlers/lib/certificate-name";
import { DistinguishedNameError, distinguishedNamesMatch, parseDistinguishedName } from "../../handlers/lib/distinguished-name";
import { certificatePemToDer } from "../../handlers/lib/thumbprint";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cbat-dn-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The subject Name of a self-signed openssl certificate for `subject` (openssl's /-form, most general first). */
function subjectOf(subject: string, stringMask: "utf8only" | "default" = "utf8only"): Uint8Array {
  const out = join(dir, `${Math.random().toString(36).slice(2)}.pem`);
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${out}.key`, "-out", out, "-days", "1",
    "-subj", subject, "-multivalue-rdn", "-utf8", "-sha256", "-set_serial", "1", ...(stringMask === "default" ? ["-config", configWithMask(stringMask)] : [])], { stdio: "pipe" });
  return certificateFields(certificatePemToDer(readFileSync(out, "utf8")), "test certificate").subject.encoded;
}

function configWithMask(mask: string): string {
  const file = join(dir, `openssl-${mask}.cnf`);
  require("node:fs").writeFileSync(file, `[req]\ndistinguished_name=dn\nstring_mask=${mask}\n[dn]\n`);
  return file;
}

const matches = (registered: string, certificateSubject: Uint8Array) => distinguishedNamesMatch(parseDistinguishedName(registered), distinguishedNameOfDer(certificateSubject));

describe("distinguishedNameMatch of a registered DN and a certificate subject", () => {
  test("RFC 4514 order (the last RDN first) matches; openssl's / order reversed does not", () => {
    const subject = subjectOf("/C=GB/O=Example Corp/CN=partner-a");
    expect(matches("CN=partner-a,O=Example Corp,C=GB", subject)).toBe(true);
    expect(matches("C=GB,O=Example Corp,CN=partner-a", subject)).toBe(false);
  });

  test("case, spacing and attribute-type spelling do not matter", () => {
    const subject = subjectOf("/C=GB/O=Example Corp/CN=partner-a");
    for (const written of ["cn=PARTNER-A,o=example corp,c=gb", "CN = partner-a , O =  Example   Corp , C = GB", "2.5.4.3=partner-a,organizationName=Example Corp,countryName=GB", "commonName=Partner-A,O= Example Corp ,C=gb"]) {
      expect([written, matches(written, subject)]).toEqual([written, true]);
    }
  });

  test("UTF8String and PrintableString encodings of the same name match", () => {
    const utf8 = subjectOf("/C=GB/O=Example Corp/CN=partner-a", "utf8only");
    const printable = subjectOf("/C=GB/O=Example Corp/CN=partner-a", "default");
    expect(Buffer.from(utf8).equals(Buffer.from(printable))).toBe(false);
    expect(distinguishedNamesMatch(distinguishedNameOfDer(utf8), distinguishedNameOfDer(printable))).toBe(true);
    expect(matches("CN=partner-a,O=Example Corp,C=GB", printable)).toBe(true);
  });

  test("attribute order within a multi-valued RDN does not matter; RDN order does", () => {
    const subject = subjectOf("/C=GB/O=Example Corp/OU=Payments+CN=partner-a");
    expect(matches("CN=partner-a+OU=Payments,O=Example Corp,C=GB", subject)).toBe(true);
    expect(matches("OU=Payments+CN=partner-a,O=Example Corp,C=GB", subject)).toBe(true);
    expect(matches("CN=partner-a,OU=Payments,O=Example Corp,C=GB", subject)).toBe(false);
  });

  test("escaped specials and non-ASCII values", () => {
    const subject = subjectOf("/C=DE/O=Müller, Söhne & Co/CN=zahlung\\+1");
    expect(matches("CN=zahlung\\+1,O=Müller\\, Söhne & Co,C=DE", subject)).toBe(true);
    expect(matches("CN=zahlung\\2B1,O=M\\C3\\BCller\\2C Söhne & Co,C=DE", subject)).toBe(true);
    expect(matches("CN=ZAHLUNG\\+1,O=MÜLLER\\, SÖHNE & CO,C=de", subject)).toBe(true);
  });

  test("near misses are refused", () => {
    const subject = subjectOf("/C=GB/O=Example Corp/CN=partner-a");
    for (const nearMiss of ["CN=partner-b,O=Example Corp,C=GB", "CN=partner-a,O=Example Corp", "CN=partner-a,O=Example Corp,C=GB,DC=extra", "CN=partner-a,O=ExampleCorp,C=GB",
      "CN=partner-a,OU=Example Corp,C=GB", "CN=partner-a\\,O=Example Corp,C=GB", "CN=partner-a+O=Example Corp,C=GB", "CN=partner-a ,O=Example Corp,C=US"]) {
      expect([nearMiss, matches(nearMiss, subject)]).toEqual([nearMiss, false]);
    }
  });

  test("a #hex value of a string type compares as the text it encodes, never as the characters of its hex", () => {
    const hexOf = (tag: number, text: string) => `#${Buffer.concat([Buffer.from([tag, Buffer.byteLength(text)]), Buffer.from(text)]).toString("hex")}`;
    const subject = subjectOf("/C=GB/O=Example Corp/CN=partner-a");
    expect(matches(`CN=${hexOf(0x0c, "partner-a")},O=Example Corp,C=GB`, subject)).toBe(true); // UTF8String
    expect(matches(`CN=${hexOf(0x13, "PARTNER-A")},O=Example Corp,C=GB`, subject)).toBe(true); // PrintableString, case folded
    expect(matches(`CN=${hexOf(0x0c, "partner-b")},O=Example Corp,C=GB`, subject)).toBe(false);
    // A certificate whose CN is literally the registration's hex text is another name (the hex was read as text before).
    const literal = subjectOf(`/C=GB/O=Example Corp/CN=${hexOf(0x0c, "partner-a")}`);
    expect(matches(`CN=${hexOf(0x0c, "partner-a")},O=Example Corp,C=GB`, literal)).toBe(false);
    expect(matches(`CN=\\${hexOf(0x0c, "partner-a")},O=Example Corp,C=GB`, literal)).toBe(true); // escaped: the text itself
  });

  test("a type without a string rule compares as its encoding: #hex matches, text is refused with what to write", () => {
    const subject = subjectOf("/C=GB/description=foo/CN=partner-a"); // description (2.5.4.13): no short name here
    expect(matches("CN=partner-a,2.5.4.13=#0c03666f6f,C=GB", subject)).toBe(true);
    expect(matches("CN=partner-a,2.5.4.13=#0c03666f67,C=GB", subject)).toBe(false);
    expect(() => parseDistinguishedName("CN=partner-a,2.5.4.13=foo,C=GB")).toThrow(/2\.5\.4\.13 has no string matching rule here: write its value as # and the hex of its DER encoding at character 23/);
  });

  test("a value of a high tag number or another class is compared as its encoding, never decoded as a string", () => {
    // [UNIVERSAL 31] and [CONTEXT 12] are no UTF8String: a registration's hex of them parses and stands for those bytes only.
    expect(parseDistinguishedName("CN=#1f1f03616263")).toEqual([[{ oid: "2.5.4.3", value: "1f1f03616263", der: true }]]);
    expect(parseDistinguishedName("CN=#8c03616263")).toEqual([[{ oid: "2.5.4.3", value: "8c03616263", der: true }]]);
    expect(distinguishedNamesMatch(parseDistinguishedName("CN=#8c03616263"), parseDistinguishedName("CN=abc"))).toBe(false);
  });

  test("unreadable DN strings are errors that say where", () => {
    // Control characters (raw or escaped) have no place in a name, and would break the plan review's Markdown.
    for (const bad of ["", "partner-a", "CN=a,,O=b", "CN=a,", "XYZ=a", "CN=a;O=b", "CN=a\\q", "CN=#zz", "CN=#0c05616263", "CN=#0c", "CN=#0c8561", "CN=a\rb", "CN=a\\0Db", "CN=a\u2028b", "CN=a\tb"]) {
      expect(() => parseDistinguishedName(bad)).toThrow(DistinguishedNameError);
    }
    expect(() => parseDistinguishedName("CN=a,XYZ=b")).toThrow(/unknown attribute type "XYZ".*character 6/);
  });
});
