/**
 * Issue 21: partitioned CRLs, CAs that share a name, CRL signatures checked before entries, and
 * DER read in linear time. Real certificates and CRLs, signed with real keys (@peculiar/x509).
 */
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { certificateIdentity } from "../../handlers/lib/certificate-identity";
import { readElement } from "../../handlers/lib/der";
import { RevocationList } from "../../handlers/lib/revocation-list";
import { createCa, issueClientCert, type IssuedCertificate } from "../support/certificates";
import { libraryCrl } from "../support/crls";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
const HOUR = 3_600_000;
const PARTITION_1 = "http://crl.example.com/ca/1.crl";
const PARTITION_2 = "http://crl.example.com/ca/2.crl";
let ca: IssuedCertificate;

beforeAll(async () => {
  ca = await createCa("CN=Partitioned CA,O=cbat tests");
});

/** IssuingDistributionPoint { distributionPoint [0] { fullName [0] { [6] uri } } }, as AWS Private CA writes for a partition. */
function idpFor(uri: string): x509.Extension {
  const name = Buffer.from(uri, "latin1");
  return new x509.Extension("2.5.29.28", true, new Uint8Array([0x30, name.length + 6, 0xa0, name.length + 4, 0xa0, name.length + 2, 0x86, name.length, ...name]));
}

/** A client certificate of `issuer` whose cRLDistributionPoints names `uri`. */
async function clientIn(issuer: IssuedCertificate, subject: string, uri?: string): Promise<IssuedCertificate> {
  const keys = (await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as unknown as IssuedCertificate["keys"];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: webcrypto.getRandomValues(new Uint8Array(8)).reduce((hex, b) => hex + b.toString(16).padStart(2, "0"), "01"),
    subject, issuer: issuer.subject, notBefore: new Date(Date.now() - HOUR), notAfter: new Date(Date.now() + 24 * HOUR),
    publicKey: keys.publicKey, signingKey: issuer.keys.privateKey, signingAlgorithm: { name: "ECDSA", hash: "SHA-256" },
    extensions: uri ? [new x509.CRLDistributionPointsExtension([uri])] : [],
  });
  return { pem: cert.toString("pem"), der: Buffer.from(cert.rawData), subject: cert.subject, keys, privateKeyPem: "" };
}

const status = (list: RevocationList, cert: IssuedCertificate) => list.statusOf(certificateIdentity(cert.der), Date.now(), HOUR);

describe("partitioned CRLs (RFC 5280 §6.3.3 (b))", () => {
  let inOne: IssuedCertificate;
  let inTwo: IssuedCertificate;
  let noPoint: IssuedCertificate;
  beforeAll(async () => {
    [inOne, inTwo, noPoint] = [await clientIn(ca, "CN=in partition 1", PARTITION_1), await clientIn(ca, "CN=in partition 2", PARTITION_2), await clientIn(ca, "CN=no distribution point")];
  });

  it("with only partition 1's CRL, a certificate of partition 2 is crl_stale, not good (it read good before)", async () => {
    const list = RevocationList.fromBundles(await libraryCrl(ca, [], { extensions: [idpFor(PARTITION_1)] }), Buffer.from(ca.pem));
    expect(status(list, inTwo)).toBe("stale");
    expect(status(list, noPoint)).toBe("stale");
    expect(status(list, inOne)).toBe("good");
    expect(list.summary.issuers).toEqual([expect.objectContaining({ partitions: 1 })]);
  });

  it("with both partitions' CRLs, the certificate revoked on partition 2 is revoked, and partition 1's is good", async () => {
    const bundle = Buffer.concat([await libraryCrl(ca, [], { extensions: [idpFor(PARTITION_1)] }), await libraryCrl(ca, [inTwo], { extensions: [idpFor(PARTITION_2)] })]);
    const list = RevocationList.fromBundles(bundle, Buffer.from(ca.pem));
    expect(status(list, inTwo)).toBe("revoked");
    expect(status(list, inOne)).toBe("good");
  });

  it("a partition's CRL past its grace is stale even when another partition's is current", async () => {
    const old = { thisUpdate: new Date(Date.now() - 5 * HOUR), nextUpdate: new Date(Date.now() - 3 * HOUR) };
    const bundle = Buffer.concat([await libraryCrl(ca, [], { extensions: [idpFor(PARTITION_1)] }), await libraryCrl(ca, [], { ...old, extensions: [idpFor(PARTITION_2)] })]);
    const list = RevocationList.fromBundles(bundle, Buffer.from(ca.pem));
    expect(status(list, inOne)).toBe("good");
    expect(status(list, inTwo)).toBe("stale");
  });

  it("a complete CRL (no distribution point named) covers every certificate of its CA", async () => {
    const list = RevocationList.fromBundles(await libraryCrl(ca, [inOne]), Buffer.from(ca.pem));
    expect([status(list, inOne), status(list, inTwo), status(list, noPoint)]).toEqual(["revoked", "good", "good"]);
  });
});

it("two truststore CAs with one name: a certificate of the CA without a CRL is crl_stale, not judged by the other's CRL (it read good before)", async () => {
  const twinA = await createCa("CN=Twin CA,O=cbat tests");
  const twinB = await createCa("CN=Twin CA,O=cbat tests");
  const ofB = await issueClientCert(twinB, "CN=client of B");
  const ofA = await issueClientCert(twinA, "CN=client of A");
  const list = RevocationList.fromBundles(await libraryCrl(twinA, []), Buffer.from(twinA.pem + twinB.pem));
  expect(status(list, ofA)).toBe("good");
  expect(status(list, ofB)).toBe("stale");
});

it("checks a CRL's signature before reading its entries: a forged CRL with a malformed entry is refused for its signature (entries were read first before)", async () => {
  const forger = await createCa("CN=Partitioned CA,O=cbat tests");
  const forged = await libraryCrl(ca, ["01"], { signingKey: forger.keys.privateKey as webcrypto.CryptoKey });
  // Turn the entry's serial INTEGER (02 01 01) into an empty one (02 00 ..): malformed, but only the entries.
  const der = Buffer.from(forged.toString("latin1").replace(/-----[^-]+-----|\s/g, ""), "base64");
  const at = der.indexOf(Buffer.from([0x02, 0x01, 0x01, 0x17]));
  expect(at).toBeGreaterThan(0);
  der[at + 1] = 0x00;
  der[at + 2] = 0x05; // the revocationDate's tag follows an empty serial… now a NULL: malformed entry
  expect(() => RevocationList.fromBundles(der, Buffer.from(ca.pem))).toThrow(/signature does not verify/);
});

describe("DER in linear time, whatever the input type (issue 21: 77 s at 710 KB before)", () => {
  it("every value is a view into the input, never a copy, also for a high tag number in a plain Uint8Array", () => {
    const input = new Uint8Array([0x30, 0x06, 0x1f, 0x1f, 0x00, 0x1f, 0x1f, 0x00]);
    const outer = readElement(input, "test");
    expect(outer.value.contents().buffer).toBe(input.buffer);
    const inner = readElement(outer.value.contents(), "test");
    expect(inner.value.tag).toBe(31);
    expect(inner.value.contents().buffer).toBe(input.buffer);
    expect(inner.encoded.byteLength).toBe(3);
  });

  it("refuses non-DER lengths and tags: indefinite, non-minimal, overlong", () => {
    for (const bytes of [[0x30, 0x80, 0x00, 0x00], [0x04, 0x81, 0x05, 1, 2, 3, 4, 5], [0x04, 0x82, 0x00, 0x80], [0x1f, 0x80, 0x1f, 0x00], [0x1f, 0x05, 0x00], [0x04, 0x85, 1, 0, 0, 0, 0]]) {
      expect(() => readElement(new Uint8Array(bytes), "test")).toThrow(/test is not valid DER/);
    }
  });

  it("a 710 KB bundle of 1F 1F 00 elements as a plain Uint8Array is refused (structure), not parsed for a minute", () => {
    const count = Math.floor(710_000 / 3);
    const body = new Uint8Array(6 + count * 3);
    body.set([0x30, 0x84, ...new Uint8Array(new Uint32Array([count * 3]).buffer).reverse()]);
    for (let i = 0; i < count; i++) body.set([0x1f, 0x1f, 0x00], 6 + i * 3);
    expect(() => RevocationList.fromBundles(body, Buffer.from(ca.pem))).toThrow(/CRL 1/);
  });
});

it("a truststore CA whose keyUsage lacks cRLSign may not sign CRLs (its extensions were never read before)", async () => {
  const keys = (await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as unknown as IssuedCertificate["keys"];
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "0177", name: "CN=No CRL Signing CA", notBefore: new Date(Date.now() - HOUR), notAfter: new Date(Date.now() + 24 * HOUR), keys,
    signingAlgorithm: { name: "ECDSA", hash: "SHA-256" },
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  const noCrlSign: IssuedCertificate = { pem: cert.toString("pem"), der: Buffer.from(cert.rawData), subject: cert.subject, keys, privateKeyPem: "" };
  expect(() => RevocationList.fromBundles(Buffer.from(""), Buffer.from(noCrlSign.pem))).toThrow(/empty/);
  const crl = await libraryCrl(noCrlSign, []);
  expect(() => RevocationList.fromBundles(crl, Buffer.from(noCrlSign.pem))).toThrow(/may not sign CRLs/);
});
