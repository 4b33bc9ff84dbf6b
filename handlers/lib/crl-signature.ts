/**
 * Whose CRL is it: the truststore CA named as its issuer whose key verifies its signature.
 * A CRL that no truststore CA signed is refused (fail closed), and so are SHA-1 signatures
 * and algorithms API Gateway's truststores do not use.
 */
import { verify } from "node:crypto";
import type { Crl } from "./crl";
import { elementsOf, nameText, oidText } from "./der";
import { RevocationListError } from "./errors";
import type { TrustAnchor } from "./trust-anchors";

interface SignatureAlgorithm {
  /** node:crypto digest name; null for Ed25519. */
  readonly hash: string | null;
  /** The key type it needs (KeyObject.asymmetricKeyType). */
  readonly keyType: string;
}

const ALGORITHMS: Readonly<Record<string, SignatureAlgorithm>> = {
  "1.2.840.113549.1.1.11": { hash: "sha256", keyType: "rsa" },
  "1.2.840.113549.1.1.12": { hash: "sha384", keyType: "rsa" },
  "1.2.840.113549.1.1.13": { hash: "sha512", keyType: "rsa" },
  "1.2.840.10045.4.3.2": { hash: "sha256", keyType: "ec" },
  "1.2.840.10045.4.3.3": { hash: "sha384", keyType: "ec" },
  "1.2.840.10045.4.3.4": { hash: "sha512", keyType: "ec" },
  "1.3.101.112": { hash: null, keyType: "ed25519" },
};
const SHA1 = new Set(["1.2.840.113549.1.1.5", "1.2.840.10045.4.1"]);

/**
 * The truststore CA that issued `crl`.
 * @throws RevocationListError when no truststore CA of that name exists, may sign CRLs, and verifies the signature
 */
export function crlSigner(crl: Crl, anchors: readonly TrustAnchor[]): TrustAnchor {
  const algorithm = signatureAlgorithmOf(crl);
  const named = anchors.filter((anchor) => anchor.subjectKey === crl.issuerKey);
  if (named.length === 0) throw new RevocationListError(`${crl.label} was issued by ${nameText(crl.issuer)}, which is not a CA of the truststore`);
  const signers = named.filter((anchor) => anchor.mayIssueCrls);
  if (signers.length === 0) throw new RevocationListError(`${crl.label}: ${named[0].label} may not sign CRLs (not a CA, or its keyUsage lacks cRLSign)`);
  const signer = signers.find((anchor) => verifies(crl, anchor, algorithm));
  if (!signer) throw new RevocationListError(`${crl.label}: the signature does not verify with the key of ${signers.map((anchor) => anchor.label).join(" or ")}`);
  return signer;
}

function signatureAlgorithmOf(crl: Crl): SignatureAlgorithm {
  const [id] = elementsOf(crl.signatureAlgorithm.value, `${crl.label} signatureAlgorithm`);
  const oid = id ? oidText(id.value) : "";
  if (SHA1.has(oid)) throw new RevocationListError(`${crl.label} is signed with SHA-1, which is not accepted; re-sign it with SHA-256 or stronger`);
  const algorithm = ALGORITHMS[oid];
  if (!algorithm) throw new RevocationListError(`${crl.label} uses the signature algorithm ${oid || "(none)"}, which is not supported (RSA PKCS#1 v1.5 or ECDSA with SHA-256/384/512, or Ed25519)`);
  return algorithm;
}

function verifies(crl: Crl, anchor: TrustAnchor, algorithm: SignatureAlgorithm): boolean {
  if (anchor.publicKey.asymmetricKeyType !== algorithm.keyType) return false;
  try {
    return verify(algorithm.hash, crl.signedBytes, { key: anchor.publicKey, dsaEncoding: "der" }, crl.signature);
  } catch {
    return false;
  }
}
