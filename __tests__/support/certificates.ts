/** Real X.509 certificates for tests, made with the project's own PKI primitives (local/pki.ts). */
import { createCa as createAuthority, issueCertificate, type IssuedCertificate, type KeyKind } from "../../local/pki";

export type { IssuedCertificate, KeyKind };

export function createCa(name = "CN=Test Root CA,O=cbat tests", kind: KeyKind = "ecdsa"): Promise<IssuedCertificate> {
  return createAuthority(name, { kind });
}

export function issueClientCert(ca: IssuedCertificate, subject: string, kind: KeyKind = "rsa"): Promise<IssuedCertificate> {
  return issueCertificate(ca, subject, { kind, usage: "client" });
}
