/**
 * Real X.509 certificates for tests, made with @peculiar/x509 over node's WebCrypto.
 */
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKeyPair = webcrypto.CryptoKeyPair;

export type KeyKind = "rsa" | "ecdsa";

const ALGORITHMS: Record<KeyKind, webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams> = {
  rsa: { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" } as webcrypto.RsaHashedKeyGenParams,
  ecdsa: { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as webcrypto.EcKeyGenParams,
};

export interface IssuedCertificate {
  readonly pem: string;
  readonly der: Buffer;
  readonly subject: string;
  readonly keys: CryptoKeyPair;
  readonly privateKeyPem: string;
}

let serial = 1;

async function privateKeyPem(keys: CryptoKeyPair): Promise<string> {
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey as webcrypto.CryptoKey));
  return `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "")}\n-----END PRIVATE KEY-----\n`;
}

async function generateKeys(kind: KeyKind): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHMS[kind], true, ["sign", "verify"])) as unknown as CryptoKeyPair;
}

function toIssued(cert: x509.X509Certificate, keys: CryptoKeyPair, keyPem: string): IssuedCertificate {
  return { pem: cert.toString("pem") + "\n", der: Buffer.from(cert.rawData), subject: cert.subject, keys, privateKeyPem: keyPem };
}

export async function createCa(name = "CN=Test Root CA,O=cbat tests", kind: KeyKind = "ecdsa"): Promise<IssuedCertificate> {
  const keys = await generateKeys(kind);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: (serial++).toString(16).padStart(2, "0"),
    name,
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + 365 * 86400_000),
    keys,
    signingAlgorithm: ALGORITHMS[kind],
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  return toIssued(cert, keys, await privateKeyPem(keys));
}

export async function issueClientCert(ca: IssuedCertificate, subject: string, kind: KeyKind = "rsa"): Promise<IssuedCertificate> {
  const keys = await generateKeys(kind);
  const issuer = new x509.X509Certificate(ca.pem);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16).padStart(2, "0"),
    subject,
    issuer: issuer.subject,
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + 30 * 86400_000),
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: { ...ALGORITHMS[ca.keys.privateKey.algorithm.name === "ECDSA" ? "ecdsa" : "rsa"] },
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
    ],
  });
  return toIssued(cert, keys, await privateKeyPem(keys));
}
