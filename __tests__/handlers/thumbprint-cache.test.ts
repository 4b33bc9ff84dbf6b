/**
 * The authorizer's PEM → x5t#S256 memo: the same text gives the thumbprint an independent hash of
 * the DER gives, another certificate (or the same one with one character changed) never gets it,
 * a PEM that does not decode is refused every time and never remembered, and the size is bounded.
 */
import { createHash } from "node:crypto";
import { CertificateFormatError } from "../../handlers/lib/errors";
import { CertificateThumbprintCache, MAX_CACHED_PEM_CHARS } from "../../handlers/lib/thumbprint-cache";
import { createCa, issueClientCert, type IssuedCertificate } from "../support/certificates";

const x5tOf = (cert: IssuedCertificate) => createHash("sha256").update(cert.der).digest("base64url");

let alice: IssuedCertificate;
let mallory: IssuedCertificate;
beforeAll(async () => {
  const ca = await createCa();
  [alice, mallory] = [await issueClientCert(ca, "CN=alice"), await issueClientCert(ca, "CN=mallory")];
});

test("each certificate keeps its own thumbprint, on first and later calls", () => {
  const cache = new CertificateThumbprintCache();
  for (let i = 0; i < 3; i++) {
    expect(cache.thumbprintOf(alice.pem)).toBe(x5tOf(alice));
    expect(cache.thumbprintOf(mallory.pem)).toBe(x5tOf(mallory));
  }
  expect(cache.size).toBe(2);
  // The same certificate wrapped differently is another key, and decodes to the same thumbprint.
  expect(cache.thumbprintOf(alice.pem.replace(/\n/g, "\r\n"))).toBe(x5tOf(alice));
});

test("a PEM that does not decode is refused every time and never remembered", () => {
  const cache = new CertificateThumbprintCache();
  expect(cache.thumbprintOf(alice.pem)).toBe(x5tOf(alice));
  // One base64 character changed: another (broken) certificate, not a hit on alice's entry.
  const body = alice.pem.indexOf("\n") + 40;
  const tampered = alice.pem.slice(0, body) + (alice.pem[body] === "A" ? "B" : "A") + alice.pem.slice(body + 1);
  const tamperedX5t = (() => {
    try {
      return cache.thumbprintOf(tampered);
    } catch (error) {
      expect(error).toBeInstanceOf(CertificateFormatError);
      return undefined;
    }
  })();
  expect(tamperedX5t).not.toBe(x5tOf(alice));
  for (let i = 0; i < 2; i++) expect(() => cache.thumbprintOf("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")).toThrow(CertificateFormatError);
  expect(cache.size).toBe(tamperedX5t === undefined ? 1 : 2);
});

test("bounded: the oldest entry goes first; oversized PEMs are decoded every time", () => {
  const cache = new CertificateThumbprintCache(1);
  cache.thumbprintOf(alice.pem);
  expect(cache.thumbprintOf(mallory.pem)).toBe(x5tOf(mallory));
  expect(cache.size).toBe(1);
  expect(cache.thumbprintOf(alice.pem)).toBe(x5tOf(alice));
  const padded = alice.pem + " ".repeat(MAX_CACHED_PEM_CHARS);
  const unbounded = new CertificateThumbprintCache();
  expect(unbounded.thumbprintOf(padded)).toBe(x5tOf(alice));
  expect(unbounded.size).toBe(0);
  expect(new CertificateThumbprintCache(0).thumbprintOf(alice.pem)).toBe(x5tOf(alice));
});
