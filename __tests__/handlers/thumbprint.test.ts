/**
 * Thumbprints cross-checked against openssl, an independent implementation,
 * and the fingerprint normaliser against every form operators store.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  certificatePemToDer, decodePemBlocks, normalizeFingerprint, thumbprintsMatch, x5tS256FromDer, x5tS256FromPem,
} from "../../handlers/lib/thumbprint";
import { CertificateFormatError, FingerprintFormatError } from "../../handlers/lib/errors";
import { createCa, issueClientCert, type IssuedCertificate } from "../support/certificates";

function opensslX5t(pem: string): string {
  const der = execFileSync("openssl", ["x509", "-outform", "DER"], { input: pem });
  return execFileSync("openssl", ["dgst", "-sha256", "-binary"], { input: der }).toString("base64url");
}
function opensslFingerprint(pem: string): string {
  return execFileSync("openssl", ["x509", "-noout", "-fingerprint", "-sha256"], { input: pem }).toString().trim();
}

let certs: IssuedCertificate[];
beforeAll(async () => {
  const rsaCa = await createCa("CN=RSA Root,O=cbat tests", "rsa");
  const ecCa = await createCa("CN=EC Root,O=cbat tests", "ecdsa");
  certs = [
    rsaCa,
    ecCa,
    await issueClientCert(rsaCa, "CN=rsa-client", "rsa"),
    await issueClientCert(rsaCa, "CN=ec-client-of-rsa-ca", "ecdsa"),
    await issueClientCert(ecCa, "CN=ec-client", "ecdsa"),
    await issueClientCert(ecCa, "CN=rsa-client-of-ec-ca", "rsa"),
  ];
});

describe("x5t#S256", () => {
  it("equals openssl x509 -outform DER | openssl dgst -sha256 -binary, base64url", () => {
    for (const cert of certs) {
      const expected = opensslX5t(cert.pem);
      expect(x5tS256FromPem(cert.pem)).toBe(expected);
      expect(x5tS256FromDer(cert.der)).toBe(expected);
      expect(expected).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
  });

  it("does not depend on line wrapping or line ends", () => {
    for (const cert of certs) {
      const b64 = cert.der.toString("base64");
      const variants = [
        `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----`,
        `-----BEGIN CERTIFICATE-----\r\n${b64.replace(/.{64}/g, "$&\r\n")}\r\n-----END CERTIFICATE-----\r\n`,
        `\n\n  -----BEGIN CERTIFICATE-----\n${b64.replace(/.{76}/g, "$& \n\t")}\n-----END CERTIFICATE-----\n\n`,
      ];
      for (const pem of variants) expect(x5tS256FromPem(pem)).toBe(x5tS256FromDer(cert.der));
    }
  });

  it.each([
    ["no PEM at all", "hello"],
    ["invalid base64 characters", "-----BEGIN CERTIFICATE-----\nMII$%^\n-----END CERTIFICATE-----"],
    ["non-canonical base64", "-----BEGIN CERTIFICATE-----\nMIB=\n-----END CERTIFICATE-----"],
    ["mismatched labels", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END PRIVATE KEY-----"],
    ["text before the block", "Bag Attributes\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"],
    ["not DER", `-----BEGIN CERTIFICATE-----\n${Buffer.from("hello world, not a certificate").toString("base64")}\n-----END CERTIFICATE-----`],
  ])("refuses %s", (_name, pem) => {
    expect(() => x5tS256FromPem(pem)).toThrow(CertificateFormatError);
  });

  it("refuses a certificate with trailing bytes, a truncated one, and a bundle", () => {
    const [a, b] = certs;
    const wrap = (der: Buffer) => `-----BEGIN CERTIFICATE-----\n${der.toString("base64")}\n-----END CERTIFICATE-----\n`;
    expect(() => certificatePemToDer(wrap(Buffer.concat([a.der, Buffer.from([0])])))).toThrow(CertificateFormatError);
    expect(() => certificatePemToDer(wrap(a.der.subarray(0, a.der.length - 1)))).toThrow(CertificateFormatError);
    expect(() => certificatePemToDer(a.pem + b.pem)).toThrow(/found 2/);
    expect(decodePemBlocks(a.pem + b.pem).map((block) => block.der)).toEqual([a.der, b.der]);
  });

  it("never repeats the input in its error messages", () => {
    const secret = "-----BEGIN CERTIFICATE-----\nc2VjcmV0LXZhbHVlLTEyMw==\n-----END CERTIFICATE-----";
    try {
      x5tS256FromPem(secret);
      throw new Error("expected a failure");
    } catch (error) {
      expect((error as Error).message).not.toContain("c2VjcmV0");
    }
  });
});

describe("normalizeFingerprint", () => {
  it("turns every stored form into the RFC 8705 base64url", () => {
    for (const cert of certs) {
      const digest = createHash("sha256").update(cert.der).digest();
      const expected = digest.toString("base64url");
      const opensslLine = opensslFingerprint(cert.pem); // e.g. "sha256 Fingerprint=AB:CD:…"
      expect(opensslLine).toMatch(/^sha256 Fingerprint=([0-9A-F]{2}:){31}[0-9A-F]{2}$/i);
      const colonHex = opensslLine.split("=")[1];
      const originalReadmeForm = execFileSync("bash", ["-c", "cut -d'=' -f2 | tr -d ':' | xxd -r -p | base64 | tr -d '='"], { input: opensslLine })
        .toString()
        .trim();
      const forms = [
        opensslLine,
        `SHA256 Fingerprint=${colonHex}\n`,
        colonHex,
        colonHex.toLowerCase(),
        digest.toString("hex"),
        digest.toString("hex").toUpperCase(),
        digest.toString("base64"),
        digest.toString("base64").replace(/=+$/, ""),
        originalReadmeForm,
        expected,
        `  ${expected}\n`,
      ];
      for (const form of forms) expect(normalizeFingerprint(form)).toBe(expected);
    }
  });

  it.each([
    ["empty", ""],
    ["SHA-1 hex (20 bytes)", "a".repeat(40)],
    ["SHA-512 hex", "b".repeat(128)],
    ["63 hex digits", "c".repeat(63)],
    ["31 colon pairs", Array(31).fill("AB").join(":")],
    ["base64 of 33 bytes", Buffer.alloc(33, 1).toString("base64")],
    ["base64 of 31 bytes", Buffer.alloc(31, 1).toString("base64url")],
    ["mixed base64 alphabets", `+_${"A".repeat(41)}`],
    ["non-canonical last character", `${"A".repeat(42)}B`],
    ["double padding", `${"A".repeat(42)}==`],
    ["a PEM", "-----BEGIN CERTIFICATE-----"],
  ])("refuses %s", (_name, value) => {
    expect(() => normalizeFingerprint(value)).toThrow(FingerprintFormatError);
  });

  it("refuses non-strings without echoing them", () => {
    expect(() => normalizeFingerprint(42 as unknown as string)).toThrow(FingerprintFormatError);
    const value = `${"z".repeat(40)}secretish`;
    expect(() => normalizeFingerprint(value)).toThrow(expect.objectContaining({ message: expect.not.stringContaining(value) }));
  });
});

describe("thumbprintsMatch", () => {
  it("matches only identical strings", () => {
    const a = x5tS256FromDer(Buffer.from("a"));
    expect(thumbprintsMatch(a, a)).toBe(true);
    expect(thumbprintsMatch(a, x5tS256FromDer(Buffer.from("b")))).toBe(false);
    expect(thumbprintsMatch(a, `${a}=`)).toBe(false);
    expect(thumbprintsMatch(a, "")).toBe(false);
  });
});
