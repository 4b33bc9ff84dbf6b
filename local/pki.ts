/**
 * X.509 primitives for development and test PKIs, on @peculiar/x509 over node's WebCrypto:
 * CAs, and server/client certificates signed by them. Keys are exportable so they can be
 * written as PKCS#8 PEM files for curl and Node's TLS.
 */
import "reflect-metadata";
import { createPrivateKey, webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKeyPair = webcrypto.CryptoKeyPair;
export type KeyKind = "rsa" | "ecdsa";

const ALGORITHMS: Record<KeyKind, webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams> = {
  rsa: { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" } as webcrypto.RsaHashedKeyGenParams,
  ecdsa: { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as webcrypto.EcKeyGenParams,
};

const DAY = 86_400_000;

export interface IssuedCertificate {
  readonly pem: string;
  readonly der: Buffer;
  readonly subject: string;
  readonly keys: CryptoKeyPair;
  readonly privateKeyPem: string;
}

export interface CertificateOptions {
  /** @default "rsa" for leaves, "ecdsa" for CAs */
  readonly kind?: KeyKind;
  /** Validity window; @default one hour ago to `days` from now */
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** @default 30 (leaves), 365 (CAs) */
  readonly days?: number;
  /** DNS names and IP addresses for a server certificate. */
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  /** @default "client" */
  readonly usage?: "client" | "server";
  /** Issue an intermediate CA instead of a leaf. @default false */
  readonly isCa?: boolean;
  /** Signature hash. @default "SHA-256" */
  readonly hash?: "SHA-1" | "SHA-256" | "SHA-384";
  /** RSA key size. @default 2048 */
  readonly rsaBits?: number;
}

let lastSerial = 0;
/** Unique, positive serial numbers (time-based, so separate runs do not collide). */
function nextSerial(): string {
  lastSerial = Math.max(lastSerial + 1, Date.now());
  return `01${lastSerial.toString(16)}`;
}

/** For RSA, WebCrypto signs with the hash bound to the key, so the hash is chosen here. */
async function generateKeys(kind: KeyKind, rsaBits = 2048, hash = "SHA-256"): Promise<CryptoKeyPair> {
  const algorithm = kind === "rsa" ? { ...ALGORITHMS.rsa, modulusLength: rsaBits, hash } : ALGORITHMS[kind];
  return (await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as unknown as CryptoKeyPair;
}

/** The algorithm a CA signs with: its key type, with the requested hash. */
function signingAlgorithmOf(signer: IssuedCertificate, hash = "SHA-256") {
  const kind: KeyKind = signer.keys.privateKey.algorithm.name === "ECDSA" ? "ecdsa" : "rsa";
  return { ...ALGORITHMS[kind], hash };
}

async function exportPrivateKey(keys: CryptoKeyPair): Promise<string> {
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
  return `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "")}\n-----END PRIVATE KEY-----\n`;
}

async function issued(cert: x509.X509Certificate, keys: CryptoKeyPair): Promise<IssuedCertificate> {
  return { pem: `${cert.toString("pem")}\n`, der: Buffer.from(cert.rawData), subject: cert.subject, keys, privateKeyPem: await exportPrivateKey(keys) };
}

function validity(options: CertificateOptions, defaultDays: number) {
  const notBefore = options.notBefore ?? new Date(Date.now() - 3_600_000);
  return { notBefore, notAfter: options.notAfter ?? new Date(notBefore.getTime() + (options.days ?? defaultDays) * DAY) };
}

export async function createCa(name: string, options: CertificateOptions = {}): Promise<IssuedCertificate> {
  const kind = options.kind ?? "ecdsa";
  const keys = await generateKeys(kind, options.rsaBits, options.hash);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: nextSerial(),
    name,
    ...validity(options, 365),
    keys,
    signingAlgorithm: { ...ALGORITHMS[kind], hash: options.hash ?? "SHA-256" },
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return issued(cert, keys);
}

/** A certificate and its PKCS#8 private key read back from PEM files (e.g. to issue more from a kept CA). */
export async function loadIssuedCertificate(certPem: string, privateKeyPem: string): Promise<IssuedCertificate> {
  const cert = new x509.X509Certificate(certPem);
  const key = createPrivateKey(privateKeyPem);
  const kind: KeyKind = key.asymmetricKeyType === "ec" ? "ecdsa" : "rsa";
  const algorithm = kind === "ecdsa" ? { name: "ECDSA", namedCurve: key.asymmetricKeyDetails?.namedCurve === "secp384r1" ? "P-384" : "P-256" } : { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
  const pkcs8 = key.export({ format: "der", type: "pkcs8" });
  const privateKey = await webcrypto.subtle.importKey("pkcs8", pkcs8, algorithm, true, ["sign"]);
  const publicKey = await cert.publicKey.export(algorithm, ["verify"]);
  return { pem: certPem, der: Buffer.from(cert.rawData), subject: cert.subject, keys: { privateKey, publicKey } as unknown as CryptoKeyPair, privateKeyPem };
}

/**
 * An RFC 4514 DN (`CN=partner,O=Example`: the most specific RDN first) as the Name to encode.
 * x509's own string form encodes RDNs in the order written (`CN=…` first in the DER), the reverse
 * of RFC 4514's, so the RDNs are reversed here: the certificate's subject then matches the DN a
 * `tls_client_auth` client registers.
 */
export function rfc4514Name(text: string): x509.JsonName {
  return new x509.Name(text).toJSON().reverse();
}

/** Signed by `ca`; never valid after `ca` (a certificate that outlives its CA stops verifying when the CA expires). */
export async function issueCertificate(ca: IssuedCertificate, subject: string | x509.JsonName, options: CertificateOptions = {}): Promise<IssuedCertificate> {
  const keys = await generateKeys(options.kind ?? "rsa", options.rsaBits);
  const caNotAfter = new x509.X509Certificate(ca.der).notAfter;
  const { notBefore, notAfter } = validity(options, 30);
  const names = [
    ...(options.dnsNames ?? []).map((value) => ({ type: "dns" as const, value })),
    ...(options.ipAddresses ?? []).map((value) => ({ type: "ip" as const, value })),
  ];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: nextSerial(),
    subject,
    issuer: ca.subject,
    notBefore,
    notAfter: notAfter > caNotAfter ? caNotAfter : notAfter,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: signingAlgorithmOf(ca, options.hash),
    extensions: [
      ...(options.isCa
        ? [
            new x509.BasicConstraintsExtension(true, undefined, true),
            new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
            await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
          ]
        : [
            new x509.BasicConstraintsExtension(false, undefined, true),
            new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
            new x509.ExtendedKeyUsageExtension([options.usage === "server" ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
          ]),
      await x509.AuthorityKeyIdentifierExtension.create(new x509.X509Certificate(ca.pem)),
      ...(names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : []),
    ],
  });
  return issued(cert, keys);
}
