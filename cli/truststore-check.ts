/**
 * Checks a truststore bundle the way API Gateway will before accepting it for mutual TLS:
 * every block parses as a certificate, each is a CA, keys are RSA >= 2048 or ECDSA >= P-256,
 * signatures use SHA-256 or stronger, chains are at most 4 deep, and nothing is expired
 * (or, as a warning, about to expire).
 */
import "reflect-metadata";
import { createPublicKey, webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { findPemBlocks } from "../handlers/lib/pem-block-finder";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export const MAX_CHAIN_DEPTH = 4;
export const EXPIRY_WARNING_DAYS = 30;

export interface TruststoreProblem {
  readonly severity: "error" | "warning";
  /** "CN=…, serial …" or "block N" when the block is not a certificate. */
  readonly certificate: string;
  readonly message: string;
}

export interface TruststoreReport {
  readonly certificates: number;
  readonly problems: readonly TruststoreProblem[];
  readonly fatal: boolean;
}

const STRONG_HASHES = new Set(["SHA-256", "SHA-384", "SHA-512"]);
const STRONG_CURVES = new Set(["P-256", "P-384", "P-521"]);

export async function checkTruststore(pemText: string, now = new Date()): Promise<TruststoreReport> {
  const problems: TruststoreProblem[] = [];
  const certs: Array<{ cert: x509.X509Certificate; name: string }> = [];
  const blocks = findPemBlocks(pemText);
  if (blocks.length === 0) problems.push({ severity: "error", certificate: "bundle", message: "no PEM block found; a truststore is a PEM bundle of CA certificates" });

  blocks.forEach((block, index) => {
    if (block.label !== "CERTIFICATE") {
      problems.push({ severity: "error", certificate: `block ${index + 1}`, message: `is a ${block.label} block, not a certificate (remove it)` });
      return;
    }
    try {
      if (!block.der) throw new Error("body is not base64");
      const cert = new x509.X509Certificate(block.der);
      certs.push({ cert, name: `${cert.subject || "(empty subject)"}, serial ${cert.serialNumber}` });
    } catch {
      problems.push({ severity: "error", certificate: `block ${index + 1}`, message: "does not parse as an X.509 certificate" });
    }
  });

  for (const { cert, name } of certs) {
    const error = (message: string) => problems.push({ severity: "error", certificate: name, message });
    const basic = cert.getExtension(x509.BasicConstraintsExtension);
    if (!basic?.ca) error("is not a CA certificate (basicConstraints CA:TRUE); put only CA certificates in a truststore");

    const algorithm = cert.publicKey.algorithm as { name: string; modulusLength?: number; namedCurve?: string };
    if (algorithm.name.startsWith("RSA")) {
      const bits = rsaModulusBits(cert);
      if (bits < 2048) error(`RSA key of ${bits} bits; API Gateway requires at least 2048`);
    } else if (algorithm.name === "ECDSA") {
      if (!STRONG_CURVES.has(algorithm.namedCurve ?? "")) error(`ECDSA key on ${algorithm.namedCurve ?? "an unknown curve"}; API Gateway requires P-256 or stronger`);
    } else {
      error(`${algorithm.name} key; API Gateway accepts RSA (>= 2048 bits) or ECDSA (>= P-256)`);
    }

    const hash = (cert.signatureAlgorithm as { hash?: { name?: string } }).hash?.name;
    if (!hash || !STRONG_HASHES.has(hash)) error(`signature uses ${hash ?? "an unknown hash"}; API Gateway requires SHA-256 or stronger`);

    if (cert.notAfter < now) error(`expired on ${cert.notAfter.toISOString()}`);
    else if (cert.notAfter.getTime() - now.getTime() < EXPIRY_WARNING_DAYS * 86_400_000) {
      problems.push({ severity: "warning", certificate: name, message: `expires on ${cert.notAfter.toISOString()}, within ${EXPIRY_WARNING_DAYS} days` });
    }
    if (cert.notBefore > now) error(`not valid before ${cert.notBefore.toISOString()}`);

    const depth = await chainDepth(cert, certs.map((c) => c.cert));
    if (depth > MAX_CHAIN_DEPTH) error(`chain of ${depth} certificates up to its root; API Gateway accepts at most ${MAX_CHAIN_DEPTH}`);
  }
  return { certificates: certs.length, problems, fatal: problems.some((p) => p.severity === "error") };
}

/** Certificates from this one up to a self-signed root, through issuers found in the bundle (signature checked). */
async function chainDepth(cert: x509.X509Certificate, all: x509.X509Certificate[]): Promise<number> {
  let depth = 1;
  let current = cert;
  const seen = new Set<string>([current.serialNumber + current.subject]);
  while (current.subject !== current.issuer && depth <= MAX_CHAIN_DEPTH + 1) {
    let issuer: x509.X509Certificate | undefined;
    for (const candidate of all) {
      if (candidate.subject === current.issuer && (await current.verify({ publicKey: candidate, signatureOnly: true }).catch(() => false))) {
        issuer = candidate;
        break;
      }
    }
    if (!issuer || seen.has(issuer.serialNumber + issuer.subject)) break;
    seen.add(issuer.serialNumber + issuer.subject);
    current = issuer;
    depth++;
  }
  return depth;
}

function rsaModulusBits(cert: x509.X509Certificate): number {
  const spki = Buffer.from(cert.publicKey.rawData);
  return createPublicKey({ key: spki, format: "der", type: "spki" }).asymmetricKeyDetails?.modulusLength ?? 0;
}
