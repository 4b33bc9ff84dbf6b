/**
 * RFC 8705 x5t#S256 (base64url SHA-256 of the DER) of a machine client's certificate, computed
 * at synth from what `machineClients` names: a certificate file or a fingerprint. The stack
 * does not import handler code, so this is node:crypto's X.509 parser, and the fingerprint
 * forms the trigger accepts (openssl's `AB:CD:…`, hex, base64, base64url) read once more here.
 * Messages say what is wrong, never the file's content.
 */
import { createHash, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";

/** A certificate or fingerprint that cannot be a machine client's registration. */
export class CertificateInputError extends Error {}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----/g;

/** x5t#S256 of the one client certificate in `file` (PEM or DER). @throws CertificateInputError */
export function thumbprintOfCertificateFile(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new CertificateInputError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "unreadable"})`);
  }
  if (bytes[0] !== 0x30) {
    const labels = [...bytes.toString("latin1").matchAll(PEM_BLOCK)].map((match) => match[1]);
    if (labels.some((label) => label.includes("PRIVATE KEY"))) {
      throw new CertificateInputError(`${file} holds a private key: point at the certificate alone, and keep private keys out of the repository`);
    }
    const certificates = labels.filter((label) => label === "CERTIFICATE").length;
    if (certificates !== 1) throw new CertificateInputError(`${file} holds ${certificates} certificates; give the machine client's own certificate alone (PEM or DER), or its fingerprint`);
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(bytes);
  } catch {
    throw new CertificateInputError(`${file} is not an X.509 certificate (PEM or DER)`);
  }
  if (certificate.ca) throw new CertificateInputError(`${file} is a CA certificate; give the machine client's own certificate, the one it presents in the TLS handshake`);
  return createHash("sha256").update(certificate.raw).digest("base64url");
}

/** The forms of a SHA-256 fingerprint an operator may have, each with how to read its digest. */
const FINGERPRINT_FORMS: ReadonlyArray<readonly [RegExp, (text: string) => Buffer]> = [
  [/^[0-9a-f]{2}(:[0-9a-f]{2}){31}$/i, (text) => Buffer.from(text.split(":").join(""), "hex")],
  [/^[0-9a-f]{64}$/i, (text) => Buffer.from(text, "hex")],
  [/^[A-Za-z0-9_-]{43}$/, (text) => Buffer.from(text, "base64url")],
  [/^[A-Za-z0-9+/]{43}=?$/, (text) => Buffer.from(text, "base64")],
];

/** x5t#S256 of a fingerprint in any accepted form. @throws CertificateInputError */
export function thumbprintOfFingerprint(value: unknown): string {
  const text = typeof value === "string" ? value.trim().replace(/^(sha-?256\s+)?fingerprint\s*=\s*/i, "") : "";
  const form = FINGERPRINT_FORMS.find(([pattern]) => pattern.test(text));
  const digest = form?.[1](text);
  const thumbprint = digest?.length === 32 ? digest.toString("base64url") : undefined;
  // Base64 must be canonical (no stray bits in its last character), or two texts would name one certificate.
  const canonical = thumbprint !== undefined && (!/^[A-Za-z0-9+/_=-]{43,44}$/.test(text) || thumbprint === text.replace(/=$/, "").replace(/\+/g, "-").replace(/\//g, "_"));
  if (!canonical) {
    throw new CertificateInputError("is not a SHA-256 certificate fingerprint: use base64url (cbat fingerprint), base64, hex, or openssl's AB:CD:… form");
  }
  return thumbprint;
}
