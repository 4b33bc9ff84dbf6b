/**
 * Client certificates for your own machine clients from the development CA (`cbat pki issue
 * <name>`), and finding them again: `npm run local` registers a configured machine client whose
 * certificate is one of these. Private keys are written readable by the owner only.
 */
import { X509Certificate } from "node:crypto";
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { certificateFields } from "../handlers/lib/certificate-fields";
import { distinguishedNameOfDer, distinguishedNameText } from "../handlers/lib/certificate-name";
import { DistinguishedNameError, distinguishedNamesMatch, parseDistinguishedName } from "../handlers/lib/distinguished-name";
import { x5tS256FromDer } from "../handlers/lib/thumbprint";
import { DEV_PKI_FILES, ensureDevPki, readPem, type DevPki } from "./dev-pki";
import { issueCertificate, loadIssuedCertificate, rfc4514Name } from "./pki";

/** A name usable as a file name, a Cognito client name and a certificate CN. */
const CERTIFICATE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const RESERVED = new Set<string>([...DEV_PKI_FILES, "crl"]);

export interface DevClientCertificate {
  readonly name: string;
  readonly certificate: string;
  readonly key: string;
  /** RFC 8705 x5t#S256 of the certificate. */
  readonly x5tS256: string;
  /** Its subject as an RFC 4514 string (the most specific RDN first): what a tls_client_auth client registers. */
  readonly subject: string;
}

/** The name is refused: why, and what to do. */
export class DevCertificateNameError extends Error {}

/** The subject is refused: why, and what to do. */
export class DevCertificateSubjectError extends Error {}

const SUBJECT_EXAMPLE = '"CN=partner,O=Example Partner"';

/** @throws DevCertificateSubjectError saying what is wrong with an RFC 4514 subject DN */
export function checkDevSubject(subject: string): void {
  try {
    parseDistinguishedName(subject);
  } catch (error) {
    if (error instanceof DistinguishedNameError) throw new DevCertificateSubjectError(`${error.message}; give an RFC 4514 DN, the most specific RDN first, e.g. --subject ${SUBJECT_EXAMPLE}`);
    throw error;
  }
}

/**
 * Issues `<dir>/<name>.pem` and `<dir>/<name>-key.pem` from the development CA in `dir` (the
 * PKI is created first when missing): an ECDSA P-256 client certificate, one year, with the
 * subject `subject` (RFC 4514, e.g. a tls_client_auth client's subjectDn) or `CN=<name>,O=cbat local`.
 * @throws DevCertificateNameError for a name that is not a lowercase file name, one of the
 *   development PKI's own certificates, or one that already exists
 * @throws DevCertificateSubjectError for a subject that is not an RFC 4514 DN
 */
export async function issueDevClientCertificate(dir: string, name: string, days = 365, subject?: string): Promise<DevClientCertificate> {
  if (subject !== undefined) checkDevSubject(subject);
  if (!CERTIFICATE_NAME.test(name)) throw new DevCertificateNameError(`"${name}" cannot name a certificate: use 1-63 lowercase letters, digits and hyphens, starting with a letter or digit (e.g. partner-a)`);
  if (RESERVED.has(name)) throw new DevCertificateNameError(`"${name}" is one of the development PKI's own files (${[...RESERVED].join(", ")}); pick another name, e.g. the machine client's`);
  const certificate = join(dir, `${name}.pem`);
  const key = join(dir, `${name}-key.pem`);
  if (existsSync(certificate) || existsSync(key)) throw new DevCertificateNameError(`${certificate} already exists: use it, or delete ${certificate} and ${key} to issue a new one (a new key: tokens bound to the old certificate stop working with it)`);
  const pki = await ensureDevPki(dir);
  const ca = await loadIssuedCertificate(readPem(pki.cert.ca), readPem(pki.key.ca));
  const issued = await issueCertificate(ca, subject === undefined ? `CN=${name},O=cbat local` : encodableName(subject), { kind: "ecdsa", days });
  const written = subjectOf(issued.der);
  // The certificate must carry exactly the DN asked for, or a tls_client_auth client could not use it.
  if (subject !== undefined && !distinguishedNamesMatch(parseDistinguishedName(subject), distinguishedNameOfDer(certificateFields(issued.der, name).subject.encoded))) {
    throw new DevCertificateSubjectError(`--subject ${JSON.stringify(subject.slice(0, 200))} could not be encoded as written (the certificate would say ${written}); use the attribute types CN, O, OU, C, L, ST, DC or UID`);
  }
  writeFileSync(certificate, issued.pem, { mode: 0o644 });
  writeFileSync(key, issued.privateKeyPem, { mode: 0o600 });
  chmodSync(key, 0o600);
  return { name, certificate, key, x5tS256: x5tS256FromDer(issued.der), subject: written };
}

/**
 * Every client certificate in `dir` that the development CA issued and whose key is next to it
 * (`<name>.pem` with `<name>-key.pem`), other than the PKI's own, by x5t#S256.
 */
export function devClientCertificates(dir: string): Map<string, DevClientCertificate> {
  const found = new Map<string, DevClientCertificate>();
  const caFile = join(dir, "ca.pem");
  if (!existsSync(caFile)) return found;
  const ca = new X509Certificate(readFileSync(caFile));
  for (const file of readdirSync(dir)) {
    const name = /^([a-z0-9][a-z0-9-]*)\.pem$/.exec(file)?.[1];
    if (!name || name.endsWith("-key") || RESERVED.has(name)) continue;
    const key = join(dir, `${name}-key.pem`);
    if (!existsSync(key)) continue;
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(readFileSync(join(dir, file)));
    } catch {
      continue; // not a certificate: not ours
    }
    if (certificate.ca || !certificate.checkIssued(ca) || !certificate.verify(ca.publicKey)) continue;
    const x5tS256 = x5tS256FromDer(certificate.raw);
    found.set(x5tS256, { name, certificate: join(dir, file), key, x5tS256, subject: subjectOf(certificate.raw) });
  }
  return found;
}

/**
 * A new development PKI in `dir` (`npm run local -- --fresh-pki`): a new CA, new certificates,
 * an empty CRL. Certificates issued with `cbat pki issue` are issued again from the new CA under
 * the same names and subjects (new keys), so the config files that name them stay valid.
 */
export async function freshDevPki(dir: string): Promise<DevPki> {
  const issued = [...devClientCertificates(dir).values()];
  rmSync(dir, { recursive: true, force: true });
  const pki = await ensureDevPki(dir);
  for (const certificate of issued) await issueDevClientCertificate(dir, certificate.name, 365, certificate.subject);
  return pki;
}

function encodableName(subject: string): ReturnType<typeof rfc4514Name> {
  try {
    return rfc4514Name(subject);
  } catch (error) {
    throw new DevCertificateSubjectError(`--subject ${JSON.stringify(subject.slice(0, 200))} cannot be encoded (${(error as Error).message.slice(0, 200)}); use the attribute types CN, O, OU, C, L, ST, DC or UID`);
  }
}

/** A certificate's subject as an RFC 4514 string. */
function subjectOf(der: Uint8Array): string {
  return distinguishedNameText(certificateFields(der, "certificate").subject.encoded);
}
