/**
 * Real CRLs for tests: made by `openssl ca -gencrl` (the tool operators use) and by
 * @peculiar/x509 (for shapes openssl will not make, e.g. a delta CRL).
 */
import "reflect-metadata";
import { execFileSync } from "node:child_process";
import { webcrypto, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as x509 from "@peculiar/x509";
import type { IssuedCertificate } from "./certificates";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** Hex serial number as openssl and @peculiar/x509 take it. */
export const serialOf = (certificate: IssuedCertificate) => new X509Certificate(certificate.der).serialNumber;

/** YYYYMMDDHHMMSSZ, openssl's -crl_lastupdate/-crl_nextupdate form. */
const opensslTime = (date: Date) => `${date.toISOString().replace(/[-:T]/g, "").slice(0, 14)}Z`;

export interface OpensslCrlOptions {
  /** @default now - 1 minute */
  readonly thisUpdate?: Date;
  /** @default now + 1 day */
  readonly nextUpdate?: Date;
  /** Output form. @default "PEM" */
  readonly form?: "PEM" | "DER";
}

/** `openssl ca -revoke` for each certificate, then `openssl ca -gencrl`, signed with the CA's key. */
export function opensslCrl(ca: IssuedCertificate, revoked: readonly IssuedCertificate[], options: OpensslCrlOptions = {}): Buffer {
  const dir = mkdtempSync(join(tmpdir(), "cbat-openssl-ca-"));
  const file = (name: string, content: string) => {
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  };
  const config = file("ca.cnf", `[ca]\ndefault_ca = local\n[local]\ndatabase = ${join(dir, "index.txt")}\ncrlnumber = ${join(dir, "crlnumber")}\ndefault_md = sha256\n`);
  file("index.txt", "");
  file("crlnumber", "01\n");
  const caArgs = ["-config", config, "-keyfile", file("ca-key.pem", ca.privateKeyPem), "-cert", file("ca.pem", ca.pem)];
  revoked.forEach((certificate, i) => {
    execFileSync("openssl", ["ca", ...caArgs, "-revoke", file(`revoked-${i}.pem`, certificate.pem), "-crl_reason", "keyCompromise"], { stdio: "pipe" });
  });
  const thisUpdate = options.thisUpdate ?? new Date(Date.now() - 60_000);
  const nextUpdate = options.nextUpdate ?? new Date(Date.now() + 86_400_000);
  const pem = join(dir, "crl.pem");
  execFileSync("openssl", ["ca", ...caArgs, "-gencrl", "-crl_lastupdate", opensslTime(thisUpdate), "-crl_nextupdate", opensslTime(nextUpdate), "-out", pem], { stdio: "pipe" });
  if (options.form !== "DER") return readFileSync(pem);
  return execFileSync("openssl", ["crl", "-in", pem, "-outform", "DER"]);
}

export interface LibraryCrlOptions {
  readonly thisUpdate?: Date;
  readonly nextUpdate?: Date;
  readonly extensions?: x509.Extension[];
  /** Sign with this key instead of the CA's (a forged CRL). */
  readonly signingKey?: webcrypto.CryptoKey;
}

/** A CRL made with @peculiar/x509, issued in the CA's name (its encoded subject). */
export async function libraryCrl(ca: IssuedCertificate, revoked: ReadonlyArray<IssuedCertificate | string>, options: LibraryCrlOptions = {}): Promise<Buffer> {
  const caCertificate = new x509.X509Certificate(ca.der);
  const crl = await x509.X509CrlGenerator.create({
    issuer: caCertificate.subjectName,
    thisUpdate: options.thisUpdate ?? new Date(Date.now() - 60_000),
    nextUpdate: options.nextUpdate ?? new Date(Date.now() + 86_400_000),
    entries: revoked.map((entry) => ({ serialNumber: typeof entry === "string" ? entry : serialOf(entry), revocationDate: new Date(Date.now() - 30_000) })),
    extensions: options.extensions,
    signingKey: options.signingKey ?? ca.keys.privateKey,
    signingAlgorithm: ca.keys.privateKey.algorithm.name === "ECDSA" ? { name: "ECDSA", hash: "SHA-256" } : { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
  });
  return Buffer.from(`${x509.PemConverter.encode(crl.rawData, "X509 CRL")}\n`);
}
