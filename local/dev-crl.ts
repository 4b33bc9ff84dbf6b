/**
 * The development PKI's CRL, `<pki>/crl.pem`, signed by the development CA: created empty, kept
 * current (re-signed when less than a day of its week is left), and extended by
 * `cbat pki revoke <name>`. Written atomically, so the local authorizer never reads half a file.
 */
import "reflect-metadata";
import { createPrivateKey, webcrypto, X509Certificate as NodeCertificate } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as x509 from "@peculiar/x509";
import { certificateIdentity } from "../handlers/lib/certificate-identity";
import { readCrlBundle } from "../handlers/lib/crl";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export const DEV_CRL_FILE = "crl.pem";
const DAY = 86_400_000;
const CRL_DAYS = 7;

interface RevokedEntry {
  readonly serialKey: string;
  readonly revokedAt: number;
}

export interface DevRevocation {
  readonly crlFile: string;
  /** The certificate's serial number, colon-separated hex as openssl prints it. */
  readonly serial: string;
  readonly subject: string;
  /** True when it was on the list before. */
  readonly alreadyRevoked: boolean;
}

/** `<dir>/crl.pem`, created or re-signed when missing or due within a day. */
export async function ensureDevCrl(dir: string): Promise<string> {
  const crlFile = join(dir, DEV_CRL_FILE);
  const current = existsSync(crlFile) ? readDevCrl(crlFile) : undefined;
  if (!current || current.nextUpdate - Date.now() < DAY) await writeDevCrl(dir, current?.entries ?? []);
  return crlFile;
}

/**
 * Adds the certificate `<dir>/<name>.pem` to the CRL and re-signs it.
 * @throws Error naming the file when the certificate is missing or not issued by the development CA
 */
export async function revokeDevCertificate(dir: string, name: string): Promise<DevRevocation> {
  const certFile = join(dir, `${name}.pem`);
  if (!/^[a-z0-9-]+$/.test(name) || !existsSync(certFile)) throw new Error(`${certFile}: no such certificate in the development PKI`);
  const ca = new NodeCertificate(readFileSync(join(dir, "ca.pem")));
  const certificate = new NodeCertificate(readFileSync(certFile));
  if (certificate.fingerprint256 === ca.fingerprint256) throw new Error(`${certFile} is the CA itself; revoke the certificates it issued`);
  if (!certificate.checkIssued(ca) || !certificate.verify(ca.publicKey)) throw new Error(`${certFile} was not issued by the development CA (${join(dir, "ca.pem")}), so its CRL cannot revoke it`);
  const crlFile = join(dir, DEV_CRL_FILE);
  const entries = existsSync(crlFile) ? readDevCrl(crlFile).entries : [];
  const { serialKey } = certificateIdentity(certificate.raw);
  const alreadyRevoked = entries.some((entry) => entry.serialKey === serialKey);
  await writeDevCrl(dir, alreadyRevoked ? entries : [...entries, { serialKey, revokedAt: Date.now() }]);
  return { crlFile, serial: serialKey.toUpperCase().match(/../g)!.join(":"), subject: certificate.subject.split("\n").join(", "), alreadyRevoked };
}

/**
 * Takes the certificate `<dir>/<name>.pem` off the CRL and re-signs it (a development PKI only:
 * a real CA never un-revokes). Returns whether it was on the list.
 * @throws Error naming the file when the certificate is missing
 */
export async function unrevokeDevCertificate(dir: string, name: string): Promise<{ crlFile: string; wasRevoked: boolean }> {
  const certFile = join(dir, `${name}.pem`);
  if (!/^[a-z0-9-]+$/.test(name) || !existsSync(certFile)) throw new Error(`${certFile}: no such certificate in the development PKI`);
  const { serialKey } = certificateIdentity(new NodeCertificate(readFileSync(certFile)).raw);
  const crlFile = join(dir, DEV_CRL_FILE);
  const entries = existsSync(crlFile) ? readDevCrl(crlFile).entries : [];
  const remaining = entries.filter((entry) => entry.serialKey !== serialKey);
  await writeDevCrl(dir, remaining);
  return { crlFile, wasRevoked: remaining.length < entries.length };
}

/** Whether the development CA's CRL in `dir` lists the certificate file. */
export function isDevCertificateRevoked(dir: string, certFile: string): boolean {
  const crlFile = join(dir, DEV_CRL_FILE);
  if (!existsSync(crlFile) || !existsSync(certFile)) return false;
  const { serialKey } = certificateIdentity(new NodeCertificate(readFileSync(certFile)).raw);
  return readDevCrl(crlFile).entries.some((entry) => entry.serialKey === serialKey);
}

function readDevCrl(crlFile: string): { nextUpdate: number; entries: RevokedEntry[] } {
  const [crl] = readCrlBundle(readFileSync(crlFile));
  return { nextUpdate: crl.nextUpdate, entries: [...crl.revokedSerials].map((serialKey) => ({ serialKey, revokedAt: crl.revocationTimeOf(serialKey)! })) };
}

async function writeDevCrl(dir: string, entries: readonly RevokedEntry[]): Promise<void> {
  const ca = new x509.X509Certificate(readFileSync(join(dir, "ca.pem")));
  const keyPem = readFileSync(join(dir, "ca-key.pem"), "utf8");
  const { signingKey, signingAlgorithm } = await importSigningKey(keyPem);
  const now = Date.now();
  const crl = await x509.X509CrlGenerator.create({
    issuer: ca.subjectName,
    thisUpdate: new Date(now - 60_000),
    nextUpdate: new Date(now + CRL_DAYS * DAY),
    entries: entries.map((entry) => ({ serialNumber: entry.serialKey, revocationDate: new Date(entry.revokedAt), reason: x509.X509CrlReason.keyCompromise })),
    extensions: [await x509.AuthorityKeyIdentifierExtension.create(ca)],
    signingKey,
    signingAlgorithm,
  });
  const file = join(dir, DEV_CRL_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  // "X509 CRL" (RFC 7468), the label openssl reads; the library would write "CRL".
  writeFileSync(temporary, `${x509.PemConverter.encode(crl.rawData, "X509 CRL")}\n`, { mode: 0o644 });
  renameSync(temporary, file);
}

/** The CA's PKCS#8 key as a WebCrypto signing key (ECDSA P-256/P-384 or RSA), with its algorithm. */
async function importSigningKey(pem: string) {
  const key = createPrivateKey(pem);
  const der = key.export({ format: "der", type: "pkcs8" });
  if (key.asymmetricKeyType === "ec") {
    const namedCurve = key.asymmetricKeyDetails?.namedCurve === "secp384r1" ? "P-384" : "P-256";
    const signingKey = await webcrypto.subtle.importKey("pkcs8", der, { name: "ECDSA", namedCurve }, false, ["sign"]);
    return { signingKey, signingAlgorithm: { name: "ECDSA", hash: "SHA-256" } };
  }
  const signingKey = await webcrypto.subtle.importKey("pkcs8", der, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["sign"]);
  return { signingKey, signingAlgorithm: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } };
}
