/**
 * CRL parsing and verification on real CRLs: made by `openssl ca -gencrl` and by
 * @peculiar/x509, from RSA and ECDSA CAs, as PEM bundles and DER.
 */
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { certificateIdentity } from "../../handlers/lib/certificate-identity";
import { readCrlBundle } from "../../handlers/lib/crl";
import { RevocationListError } from "../../handlers/lib/errors";
import { RevocationList } from "../../handlers/lib/revocation-list";
import { createCa as createAuthority, issueCertificate } from "../../local/pki";
import { createCa, issueClientCert, type IssuedCertificate } from "../support/certificates";
import { libraryCrl, opensslCrl, serialOf } from "../support/crls";

const HOUR = 3_600_000;
let ecCa: IssuedCertificate;
let rsaCa: IssuedCertificate;
let revoked: IssuedCertificate;
let good: IssuedCertificate;
let rsaIssued: IssuedCertificate;

beforeAll(async () => {
  ecCa = await createCa("CN=Revocation Test CA,O=cbat tests", "ecdsa");
  rsaCa = await createCa("CN=Revocation RSA CA,O=cbat tests", "rsa");
  [revoked, good] = [await issueClientCert(ecCa, "CN=revoked"), await issueClientCert(ecCa, "CN=good", "ecdsa")];
  rsaIssued = await issueClientCert(rsaCa, "CN=rsa client");
});

const status = (list: RevocationList, cert: IssuedCertificate, now = Date.now(), graceMs = HOUR) => list.statusOf(certificateIdentity(cert.der), now, graceMs);

it("reads an openssl CRL: the revoked serial is revoked, other certificates of that CA are good", () => {
  const list = RevocationList.fromBundles(opensslCrl(ecCa, [revoked]), Buffer.from(ecCa.pem));
  expect(status(list, revoked)).toBe("revoked");
  expect(status(list, good)).toBe("good");
  expect(list.summary).toMatchObject({ crls: 1, revoked: 1, issuers: [{ issuer: "CN=Revocation Test CA, O=cbat tests", revoked: 1 }] });
});

it("reads DER, and a PEM bundle with one CRL per CA (RSA and ECDSA), each checked against its own CA", async () => {
  const der = opensslCrl(rsaCa, [rsaIssued], { form: "DER" });
  expect(der[0]).toBe(0x30);
  const fromDer = RevocationList.fromBundles(der, Buffer.from(rsaCa.pem));
  expect(status(fromDer, rsaIssued)).toBe("revoked");

  const bundle = Buffer.concat([opensslCrl(ecCa, [revoked]), await libraryCrl(rsaCa, [])]);
  const truststore = Buffer.from(ecCa.pem + rsaCa.pem);
  const list = RevocationList.fromBundles(bundle, truststore);
  expect(list.summary.crls).toBe(2);
  expect([status(list, revoked), status(list, good), status(list, rsaIssued)]).toEqual(["revoked", "good", "good"]);
});

it("knows a certificate by issuer and serial: the same serial from another CA is not revoked", async () => {
  const twin = await issueCertificate(rsaCa, "CN=twin", {});
  const crl = await libraryCrl(ecCa, [serialOf(twin)]);
  const list = RevocationList.fromBundles(Buffer.concat([crl, await libraryCrl(rsaCa, [])]), Buffer.from(ecCa.pem + rsaCa.pem));
  expect(status(list, twin)).toBe("good");
  expect(readCrlBundle(crl)[0].revokedSerials.has(certificateIdentity(twin.der).serialKey)).toBe(true);
});

it("gives the revocation date of a listed serial", () => {
  const [crl] = readCrlBundle(opensslCrl(ecCa, [revoked]));
  const when = crl.revocationTimeOf(certificateIdentity(revoked.der).serialKey);
  expect(Math.abs(when! - Date.now())).toBeLessThan(5 * 60_000);
  expect(crl.revocationTimeOf(certificateIdentity(good.der).serialKey)).toBeUndefined();
});

describe("refuses what no truststore CA vouches for (fail closed)", () => {
  it("a CRL from a CA that is not in the truststore", () => {
    expect(() => RevocationList.fromBundles(opensslCrl(rsaCa, [rsaIssued]), Buffer.from(ecCa.pem))).toThrow(
      new RevocationListError("CRL 1 was issued by CN=Revocation RSA CA, O=cbat tests, which is not a CA of the truststore"),
    );
  });

  it("a CRL in the truststore CA's name, signed by another key (openssl and library)", async () => {
    const impostor = await createAuthority("CN=Revocation Test CA,O=cbat tests", { kind: "ecdsa" });
    expect(() => RevocationList.fromBundles(opensslCrl(impostor, []), Buffer.from(ecCa.pem))).toThrow(/CRL 1: the signature does not verify with the key of truststore certificate 1 \(CN=Revocation Test CA, O=cbat tests\)/);
    const forged = await libraryCrl(ecCa, [], { signingKey: impostor.keys.privateKey });
    expect(() => RevocationList.fromBundles(forged, Buffer.from(ecCa.pem))).toThrow(/signature does not verify/);
  });

  it("a bundle where one CRL of two is bad: the whole bundle", () => {
    const bundle = Buffer.concat([opensslCrl(ecCa, [revoked]), opensslCrl(rsaCa, [])]);
    expect(() => RevocationList.fromBundles(bundle, Buffer.from(ecCa.pem))).toThrow(/^CRL 2 was issued by/);
  });

  it("a CRL signed by a truststore certificate that may not sign CRLs", async () => {
    const leafAsSigner = await issueCertificate(ecCa, "CN=not a CA", { kind: "ecdsa" });
    const crl = await libraryCrl(leafAsSigner, []);
    expect(() => RevocationList.fromBundles(crl, Buffer.from(ecCa.pem + leafAsSigner.pem))).toThrow(/may not sign CRLs/);
  });

  it("a tampered CRL (one byte of the revoked list changed)", () => {
    const der = opensslCrl(ecCa, [revoked], { form: "DER" });
    const serial = Buffer.from(certificateIdentity(revoked.der).serialKey, "hex");
    const at = der.indexOf(serial);
    expect(at).toBeGreaterThan(0);
    der[at + serial.length - 1] ^= 0x01;
    expect(() => RevocationList.fromBundles(der, Buffer.from(ecCa.pem))).toThrow(/signature does not verify/);
  });
});

describe("staleness", () => {
  it("an expired CRL (openssl) is stale once past nextUpdate plus the grace, not before", () => {
    const nextUpdate = new Date(Date.now() - 2 * HOUR);
    const list = RevocationList.fromBundles(opensslCrl(ecCa, [revoked], { thisUpdate: new Date(Date.now() - 26 * HOUR), nextUpdate }), Buffer.from(ecCa.pem));
    expect(status(list, good, Date.now(), HOUR)).toBe("stale");
    expect(status(list, good, Date.now(), 3 * HOUR)).toBe("good");
    expect(status(list, revoked, Date.now(), HOUR)).toBe("revoked"); // listed is listed, stale or not
  });

  it("a certificate whose CA has no CRL in the bundle is stale: no list is not an empty list", async () => {
    const list = RevocationList.fromBundles(await libraryCrl(ecCa, []), Buffer.from(ecCa.pem + rsaCa.pem));
    expect(status(list, rsaIssued)).toBe("stale");
    expect(status(list, good)).toBe("good");
  });
});

describe("refuses CRLs it cannot honour completely, naming the problem", () => {
  it.each([
    ["a delta CRL", () => new x509.Extension("2.5.29.27", true, new Uint8Array([0x02, 0x01, 0x01])), /CRL 1 is a delta CRL; publish complete CRLs/],
    ["a CRL of CA certificates only", () => new x509.Extension("2.5.29.28", true, new Uint8Array([0x30, 0x03, 0x82, 0x01, 0xff])), /partial CRL/],
    ["an unknown critical extension", () => new x509.Extension("1.2.3.4", true, new Uint8Array([0x05, 0x00])), /critical extension 1\.2\.3\.4/],
  ])("%s", async (_, extension, message) => {
    const crl = await libraryCrl(ecCa, [], { extensions: [extension()] });
    expect(() => RevocationList.fromBundles(crl, Buffer.from(ecCa.pem))).toThrow(message);
  });

  it("a CRL whose issuing distribution point names a URL is accepted (as that partition's CRL: revocation-partitions.test.ts)", async () => {
    const uri = Buffer.from("http://crl.example.com/ca.crl");
    const idp = new Uint8Array([0x30, uri.length + 6, 0xa0, uri.length + 4, 0xa0, uri.length + 2, 0x86, uri.length, ...uri]);
    const crl = await libraryCrl(ecCa, [revoked], { extensions: [new x509.Extension("2.5.29.28", true, idp)] });
    expect(status(RevocationList.fromBundles(crl, Buffer.from(ecCa.pem)), revoked)).toBe("revoked");
  });

  it.each([
    ["an empty bundle", Buffer.alloc(0), /the CRL bundle is empty/],
    ["text", Buffer.from("not a crl"), /neither DER nor clean PEM/],
    ["a certificate instead of a CRL", Buffer.from("-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n"), /PEM block 1 of the CRL bundle is CERTIFICATE, expected X509 CRL/],
    ["truncated DER", Buffer.from([0x30, 0x82, 0x10, 0x00, 0x30]), /CRL 1 is not valid DER/],
  ])("%s", (_, bytes, message) => {
    expect(() => RevocationList.fromBundles(bytes, Buffer.from(ecCa.pem))).toThrow(message);
  });

  it("a SHA-1 signed CRL", async () => {
    const key = ecCa.keys.privateKey as webcrypto.CryptoKey;
    const crl = await x509.X509CrlGenerator.create({
      issuer: new x509.X509Certificate(ecCa.der).subjectName, nextUpdate: new Date(Date.now() + HOUR), signingKey: key, signingAlgorithm: { name: "ECDSA", hash: "SHA-1" },
    });
    expect(() => RevocationList.fromBundles(Buffer.from(crl.rawData), Buffer.from(ecCa.pem))).toThrow(/signed with SHA-1, which is not accepted/);
  });

  it("a CRL without nextUpdate", async () => {
    const crl = await x509.X509CrlGenerator.create({
      issuer: new x509.X509Certificate(ecCa.der).subjectName, signingKey: ecCa.keys.privateKey, signingAlgorithm: { name: "ECDSA", hash: "SHA-256" },
    });
    expect(() => RevocationList.fromBundles(Buffer.from(crl.rawData), Buffer.from(ecCa.pem))).toThrow(/has no nextUpdate/);
  });
});
