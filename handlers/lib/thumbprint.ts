/**
 * RFC 8705 §3.1 certificate thumbprints: `x5t#S256` is the base64url encoding
 * (no padding) of the SHA-256 digest of the certificate's DER encoding.
 *
 * One module for everything that turns a certificate or a stored fingerprint into
 * that form, shared by the authorizer, the pre-token-generation trigger and the CLI.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { CertificateFormatError, FingerprintFormatError } from "./errors";

/** Byte length of a SHA-256 digest. */
const SHA256_BYTES = 32;

/** Largest certificate we accept, far above any real client certificate (API Gateway caps headers too). */
export const MAX_PEM_CHARS = 64 * 1024;

const BEGIN = "-----BEGIN ";
const END = "-----END ";
const DASHES = "-----";
const PEM_LABEL = /^[A-Z0-9 ]+$/;
const BASE64_BODY = /^[A-Za-z0-9+/]+={0,2}$/;
const WHITESPACE = /[ \t\r\n]+/g;
const ONLY_WHITESPACE = /^[ \t\r\n]*$/;

/** One decoded PEM block. */
export interface PemBlock {
  readonly label: string;
  readonly der: Buffer;
}

/**
 * Strictly decodes every PEM block of `text`. Only whitespace may stand between and
 * around blocks; the base64 must be canonical, so the same certificate always yields
 * the same bytes whatever its line wrapping or line ends. (indexOf scanning rather than
 * one big regex: this runs on every authorizer request.)
 *
 * @param maxChars longest text accepted (a client certificate's limit unless a bundle needs more)
 * @throws CertificateFormatError when the text is not a clean sequence of PEM blocks.
 */
export function decodePemBlocks(text: string, maxChars = MAX_PEM_CHARS): PemBlock[] {
  return [...eachPemBlock(text, maxChars)];
}

/**
 * decodePemBlocks one block at a time: a bundle of many blocks (CRLs) never holds more than one
 * decoded block that its caller has not kept. Same checks and errors.
 */
export function* eachPemBlock(text: string, maxChars = MAX_PEM_CHARS): Generator<PemBlock> {
  if (typeof text !== "string") throw new CertificateFormatError("certificate PEM is not a string");
  if (text.length > maxChars) throw new CertificateFormatError(`PEM text is longer than ${maxChars} characters`);
  let count = 0;
  let position = 0;
  for (;;) {
    const begin = text.indexOf(BEGIN, position);
    if (!ONLY_WHITESPACE.test(text.slice(position, begin === -1 ? text.length : begin))) {
      throw new CertificateFormatError("unexpected text outside the PEM blocks");
    }
    if (begin === -1) break;
    const labelEnd = text.indexOf(DASHES, begin + BEGIN.length);
    const label = labelEnd === -1 ? "" : text.slice(begin + BEGIN.length, labelEnd);
    if (!PEM_LABEL.test(label)) throw new CertificateFormatError("malformed PEM BEGIN line");
    const bodyStart = labelEnd + DASHES.length;
    const endMarker = `${END}${label}${DASHES}`;
    const end = text.indexOf(endMarker, bodyStart);
    if (end === -1) throw new CertificateFormatError("PEM block has no matching END line");
    position = end + endMarker.length;
    count++;
    yield { label, der: decodeStrictBase64(text.slice(bodyStart, end)) };
  }
  if (count === 0) throw new CertificateFormatError("no PEM block found");
}

function decodeStrictBase64(body: string): Buffer {
  const compact = body.replace(WHITESPACE, "");
  if (compact.length % 4 !== 0 || !BASE64_BODY.test(compact)) throw new CertificateFormatError("PEM body is not valid base64");
  const bytes = Buffer.from(compact, "base64");
  // Canonical: the last quantum must re-encode to itself (no stray bits before the padding).
  const lastQuantum = compact.slice(-4);
  if (Buffer.from(lastQuantum, "base64").toString("base64") !== lastQuantum) {
    throw new CertificateFormatError("PEM body is not canonical base64");
  }
  return bytes;
}

/**
 * Decodes a PEM that must hold exactly one certificate into its DER bytes.
 * This is a structural decode, not an X.509 validation: on the request path the
 * certificate has already been validated by API Gateway in the TLS handshake.
 *
 * @throws CertificateFormatError for anything but exactly one well-formed CERTIFICATE block.
 */
export function certificatePemToDer(pem: string): Buffer {
  const blocks = decodePemBlocks(pem);
  if (blocks.length !== 1) throw new CertificateFormatError(`expected one certificate, found ${blocks.length} PEM blocks`);
  const [{ label, der }] = blocks;
  if (label !== "CERTIFICATE") throw new CertificateFormatError(`expected a CERTIFICATE PEM block, found ${label}`);
  assertDerCertificateShape(der);
  return der;
}

/**
 * Checks the outer DER structure of a certificate: a SEQUENCE whose definite,
 * minimally encoded length covers the buffer exactly, starting with another SEQUENCE
 * (the tbsCertificate). Cheap, and enough to refuse truncated or padded input.
 *
 * @throws CertificateFormatError when the bytes cannot be a DER certificate.
 */
export function assertDerCertificateShape(der: Uint8Array): void {
  const outer = readDerHeader(der, 0);
  if (der[0] !== 0x30 || outer.headerBytes + outer.length !== der.length) {
    throw new CertificateFormatError("certificate is not a single DER SEQUENCE");
  }
  if (der[outer.headerBytes] !== 0x30) throw new CertificateFormatError("certificate does not start with a tbsCertificate SEQUENCE");
  const inner = readDerHeader(der, outer.headerBytes);
  if (outer.headerBytes + inner.headerBytes + inner.length > der.length) {
    throw new CertificateFormatError("tbsCertificate overruns the certificate");
  }
}

function readDerHeader(der: Uint8Array, offset: number): { headerBytes: number; length: number } {
  if (der.length < offset + 2) throw new CertificateFormatError("certificate is truncated");
  const first = der[offset + 1];
  if (first < 0x80) return { headerBytes: 2, length: first };
  const count = first & 0x7f;
  if (count === 0 || count > 4 || der.length < offset + 2 + count) throw new CertificateFormatError("certificate has an invalid DER length");
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + der[offset + 2 + i];
  // DER demands the shortest length form.
  if (length < 0x80 || der[offset + 2] === 0) throw new CertificateFormatError("certificate has a non-minimal DER length");
  return { headerBytes: 2 + count, length };
}

/** x5t#S256 of DER bytes: base64url, no padding, of their SHA-256. */
export function x5tS256FromDer(der: Uint8Array): string {
  return createHash("sha256").update(der).digest("base64url");
}

/** x5t#S256 of a PEM holding exactly one certificate. @throws CertificateFormatError */
export function x5tS256FromPem(pem: string): string {
  return x5tS256FromDer(certificatePemToDer(pem));
}

/** The binding attribute's maxLength in the pool schema; the longest real form (openssl's) is 114. */
export const MAX_FINGERPRINT_CHARS = 256;
const OPENSSL_PREFIX = /^(?:sha-?256\s+)?fingerprint\s*=\s*/i;
const COLON_HEX = /^[0-9a-f]{2}(?::[0-9a-f]{2}){31}$/i;
const PLAIN_HEX = /^[0-9a-f]{64}$/i;
const BASE64_STANDARD = /^[A-Za-z0-9+/]{43}=?$/;
const BASE64_URL = /^[A-Za-z0-9_-]{43}$/;

/**
 * Normalises a stored SHA-256 certificate fingerprint to the RFC 8705 form (base64url,
 * no padding). Accepts what operators typically have at hand:
 * - openssl `-fingerprint -sha256` output, `AB:CD:…`, with or without `sha256 Fingerprint=`;
 * - plain hex, either case;
 * - standard base64 with or without `=` padding (the original sample's README form);
 * - base64url.
 *
 * @throws FingerprintFormatError when the value is none of these or is not 32 bytes.
 *         The message never repeats the value.
 */
export function normalizeFingerprint(value: string): string {
  if (typeof value !== "string") throw new FingerprintFormatError("fingerprint is not a string");
  if (value.length > MAX_FINGERPRINT_CHARS) throw new FingerprintFormatError(`fingerprint is longer than ${MAX_FINGERPRINT_CHARS} characters`);
  const text = value.trim().replace(OPENSSL_PREFIX, "");
  let digest: Buffer;
  if (COLON_HEX.test(text)) {
    digest = Buffer.from(text.replace(/:/g, ""), "hex");
  } else if (PLAIN_HEX.test(text)) {
    digest = Buffer.from(text, "hex");
  } else if (BASE64_STANDARD.test(text) || BASE64_URL.test(text)) {
    const unpadded = text.replace(/=$/, "");
    digest = Buffer.from(unpadded, BASE64_URL.test(unpadded) ? "base64url" : "base64");
    // Refuse non-canonical encodings (stray low bits in the last character).
    const canonical = digest.toString("base64url");
    if (canonical !== unpadded.replace(/\+/g, "-").replace(/\//g, "_")) {
      throw new FingerprintFormatError("fingerprint is not a canonical base64 encoding of 32 bytes");
    }
  } else {
    throw new FingerprintFormatError(
      "fingerprint must be a SHA-256 digest as base64url, base64, hex or openssl's AB:CD:… form",
    );
  }
  if (digest.length !== SHA256_BYTES) throw new FingerprintFormatError("fingerprint does not decode to 32 bytes");
  return digest.toString("base64url");
}

/** Constant-time comparison of two thumbprint strings. */
export function thumbprintsMatch(expected: string, presented: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(presented, "utf8");
  // Lengths are not secret (a valid x5t#S256 is always 43 characters).
  return a.length === b.length && timingSafeEqual(a, b);
}
