/**
 * Certificate revocation lists (RFC 5280 §5): reads a bundle (PEM blocks `X509 CRL`, or one
 * DER CRL) into the fields revocation checking needs. Structure only: whether a truststore CA
 * signed a CRL is crl-signature.ts's job.
 *
 * Refused, because honouring them would need more than one complete list per issuer: delta CRLs,
 * indirect CRLs (entries for other issuers), and CRLs limited to CA or attribute certificates
 * or to some reasons. Any other critical extension is refused too (RFC 5280 §5.2).
 *
 * Partitioned CRLs (an issuingDistributionPoint naming a distribution point, as AWS Private CA's
 * partitioned CRLs do) are read with the names of their partition: a certificate is judged only
 * by a CRL of its issuer that is complete, or whose partition its cRLDistributionPoints names
 * (RFC 5280 §6.3.3 (b)); see revocation-list.ts.
 *
 * Cost: one pass over the bundle (der.ts copies nothing). The revoked entries of a CRL are read
 * only when asked for (`revokedSerials`), so a caller can check the signature first and never
 * read, or hold, the entries of a CRL nobody signed.
 */
import { ASN1Form, type ASN1Value } from "./der-value";
import { RevocationListError, CertificateFormatError } from "./errors";
import {
  decoding, elementsOf, expectUniversal, forEachElement, hexOf, isContext, isUniversal, oidText, readElement, readOnlyElement, serialKeyOf, TAG, timeOf,
  type DerElement,
} from "./der";
import { MAX_CRL_BUNDLE_BYTES, MAX_CRLS_PER_BUNDLE } from "./crl-bundle-limit";
import { distributionPointNames } from "./distribution-point";
import { eachPemBlock } from "./thumbprint";

export { MAX_CRL_BUNDLE_BYTES } from "./crl-bundle-limit";

const DELTA_CRL_INDICATOR = "2.5.29.27";
const ISSUING_DISTRIBUTION_POINT = "2.5.29.28";

export interface Crl {
  /** `CRL <n>` (1-based position in its bundle), for messages. */
  readonly label: string;
  /** The issuer Name as encoded (DER), and its hex: the key that meets a certificate's issuer. */
  readonly issuer: Uint8Array;
  readonly issuerKey: string;
  /** Milliseconds since the epoch. */
  readonly thisUpdate: number;
  readonly nextUpdate: number;
  /** The signed part (tbsCertList, DER), its AlgorithmIdentifier and the signature. */
  readonly signedBytes: Uint8Array;
  readonly signatureAlgorithm: DerElement;
  readonly signature: Uint8Array;
  /** Serial numbers (see serialKeyOf) of every revoked certificate; read on first use. */
  readonly revokedSerials: ReadonlySet<string>;
  /**
   * The partition this CRL covers: the encoded GeneralNames of its issuingDistributionPoint's
   * fullName (hex). Undefined for a complete CRL (no distribution point named).
   */
  readonly partition?: ReadonlySet<string>;
  /** When a listed serial was revoked (scans the list: for operators, not for requests). */
  revocationTimeOf(serialKey: string): number | undefined;
}

/**
 * Every CRL of a bundle: PEM with one or more `X509 CRL` blocks (RFC 7468; `CRL` too), or a single DER CRL.
 * @throws RevocationListError naming the CRL and what is wrong
 */
export function readCrlBundle(bytes: Uint8Array, maxBytes = MAX_CRL_BUNDLE_BYTES): Crl[] {
  const crls = [...eachCrl(bytes, maxBytes)];
  for (const crl of crls) void crl.revokedSerials.size; // every entry is checked here, as before
  return crls;
}

/**
 * The CRLs of a bundle one at a time, each read up to its signature (entries on demand): the
 * caller verifies and keeps or drops each before the next is decoded.
 * @param maxBytes the largest bundle accepted (crl-bundle-limit.ts: what the function's memory holds)
 */
export function* eachCrl(bytes: Uint8Array, maxBytes = MAX_CRL_BUNDLE_BYTES): Generator<Crl> {
  if (bytes.byteLength === 0) throw new RevocationListError("the CRL bundle is empty");
  if (bytes.byteLength > maxBytes) throw new RevocationListError(`the CRL bundle is ${bytes.byteLength} bytes, more than the ${maxBytes} this authorizer's memory can load; publish fewer or smaller CRLs, or raise the authorizer's memory`);
  if (bytes[0] === 0x30) {
    yield parseCrl(bytes, "CRL 1");
    return;
  }
  let i = 0;
  try {
    for (const { label, der } of eachPemBlock(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1"), maxBytes)) {
      if (++i > MAX_CRLS_PER_BUNDLE) throw new RevocationListError(`the CRL bundle has more than ${MAX_CRLS_PER_BUNDLE} CRLs; publish one complete CRL per CA, or fewer partitions`);
      if (label !== "X509 CRL" && label !== "CRL") throw new RevocationListError(`PEM block ${i} of the CRL bundle is ${label}, expected X509 CRL`);
      yield parseCrl(new Uint8Array(der.buffer, der.byteOffset, der.byteLength), `CRL ${i}`);
    }
  } catch (error) {
    if (error instanceof CertificateFormatError) throw new RevocationListError(`the CRL bundle is neither DER nor clean PEM: ${error.message}`);
    throw error;
  }
}

/** One DER CertificateList. @throws RevocationListError prefixed with `label` */
export function parseCrl(der: Uint8Array, label = "CRL"): Crl {
  return decoding(label, () => readCertificateList(der, label));
}

function readCertificateList(der: Uint8Array, label: string): Crl {
  const [tbs, signatureAlgorithm, signature] = elementsOf(readOnlyElement(der, label).value, label, TAG.SEQUENCE, 3);
  if (!tbs || !signatureAlgorithm || !signature) throw new RevocationListError(`${label} is not a CertificateList (tbsCertList, signatureAlgorithm, signature)`);
  expectUniversal(signature.value, TAG.BIT_STRING, `${label} signature`);
  const fields = elementsOf(tbs.value, `${label} tbsCertList`, TAG.SEQUENCE, 7);
  let next = 0;
  if (isUniversal(fields[0]?.value, TAG.INTEGER)) {
    if (serialKeyOf(fields[0].value, `${label} version`) !== "01") throw new RevocationListError(`${label} has an unknown version (only v1 and v2 CRLs exist)`);
    next++;
  }
  const innerAlgorithm = fields[next++];
  const issuer = fields[next++];
  const thisUpdate = fields[next++];
  if (!innerAlgorithm || !issuer || !thisUpdate) throw new RevocationListError(`${label} tbsCertList is incomplete`);
  if (hexOf(innerAlgorithm.encoded) !== hexOf(signatureAlgorithm.encoded)) {
    throw new RevocationListError(`${label} names two different signature algorithms (RFC 5280 §5.1.1.2)`);
  }
  expectUniversal(issuer.value, TAG.SEQUENCE, `${label} issuer`);
  const nextUpdate = fields[next] && isTime(fields[next]) ? fields[next++] : undefined;
  if (!nextUpdate) throw new RevocationListError(`${label} has no nextUpdate, so nobody can tell when it goes stale; reissue it with one`);
  const revoked = fields[next] && isUniversal(fields[next].value, TAG.SEQUENCE) ? fields[next++] : undefined;
  const extensions = fields[next] && isContext(fields[next].value, 0) ? fields[next++] : undefined;
  if (next !== fields.length) throw new RevocationListError(`${label} tbsCertList has unexpected fields`);
  const partition = extensions ? checkCrlExtensions(extensions, label) : undefined;

  const entries = revoked ? revoked.value.contents() : new Uint8Array(0);
  let revokedSerials: Set<string> | undefined;
  const signatureBits = signature.value.bitString();
  if (signatureBits.length % 8 !== 0) throw new RevocationListError(`${label} signature is not a whole number of bytes`);
  return {
    label,
    issuer: issuer.encoded,
    issuerKey: hexOf(issuer.encoded),
    thisUpdate: timeOf(thisUpdate.value, `${label} thisUpdate`),
    nextUpdate: timeOf(nextUpdate.value, `${label} nextUpdate`),
    signedBytes: tbs.encoded,
    signatureAlgorithm,
    signature: signatureBits.bytes,
    get revokedSerials() {
      if (revokedSerials === undefined) {
        const serials = new Set<string>();
        readEntries(entries, label, (serialKey) => void serials.add(serialKey));
        revokedSerials = serials;
      }
      return revokedSerials;
    },
    partition,
    revocationTimeOf(serialKey) {
      let found: number | undefined;
      readEntries(entries, label, (key, date) => {
        if (found === undefined && key === serialKey) found = decoding(label, () => timeOf(date, `${label} revocationDate`));
      });
      return found;
    },
  };
}

function isTime(element: DerElement): boolean {
  return isUniversal(element.value, TAG.UTC_TIME) || isUniversal(element.value, TAG.GENERALIZED_TIME);
}

/**
 * Each entry's serial key and revocationDate; refuses entries with a critical extension (e.g.
 * certificateIssuer). A tight loop, as it runs for each of up to 100,000 entries per load: the
 * reader of der.ts finds each TLV without copying, the loop only steps over them.
 */
function readEntries(entries: Uint8Array, label: string, visit: (serialKey: string, date: ASN1Value) => void): void {
  const what = `${label} revokedCertificates`;
  decoding(what, () => {
    for (let position = 0; position < entries.byteLength;) {
      const { value: entry, encoded: entryBytes } = readElement(entries.subarray(position), what);
      position += entryBytes.byteLength;
      expectUniversal(entry, TAG.SEQUENCE, what);
      const fields = entry.contents();
      const { value: serial, encoded: serialBytes } = readElement(fields, what);
      const serialSize = serialBytes.byteLength;
      const { value: date, encoded: dateBytes } = readElement(fields.subarray(serialSize), what);
      const dateSize = dateBytes.byteLength;
      if (!isUniversal(date, TAG.UTC_TIME) && !isUniversal(date, TAG.GENERALIZED_TIME)) throw new RevocationListError(`${what}: an entry has no revocationDate`);
      const rest = serialSize + dateSize;
      // A critical flag is a BOOLEAN TRUE, encoded 01 01 FF: without those bytes there is none, and
      // the extensions (usually a reason code) need not be decoded.
      if (rest < fields.byteLength && containsBooleanTrue(fields, rest)) refuseCriticalEntryExtension(readOnlyElement(fields.subarray(rest), what), what);
      visit(serialKeyOf(serial, what), date);
    }
  });
}

function containsBooleanTrue(bytes: Uint8Array, from: number): boolean {
  for (let i = from; i + 2 < bytes.byteLength; i++) if (bytes[i] === 0x01 && bytes[i + 1] === 0x01 && bytes[i + 2] === 0xff) return true;
  return false;
}

/**
 * Entry extensions (reason codes, invalidity dates) are informational unless critical; a critical
 * one (certificateIssuer: an indirect CRL) is refused. Runs for every entry, so it reads only the
 * id and the critical flag of each extension.
 */
function refuseCriticalEntryExtension(list: DerElement, what: string): void {
  expectUniversal(list.value, TAG.SEQUENCE, what);
  forEachElement(list.value.contents(), what, ({ value }) => {
    const contents = value.contents();
    const id = readElement(contents, what);
    if (id.encoded.byteLength === contents.byteLength) throw new RevocationListError(`${what}: an entry extension has no value`);
    const flag = readElement(contents.subarray(id.encoded.byteLength), what).value;
    if (isUniversal(flag, TAG.BOOLEAN) && flag.boolean().value) {
      throw new RevocationListError(`${what}: an entry has the critical extension ${oidText(id.value)}; indirect CRLs are not supported`);
    }
  });
}

interface Extension {
  readonly oid: string;
  readonly critical: boolean;
  readonly value: Uint8Array;
}

function extensionsOf(list: DerElement, what: string): Extension[] {
  return elementsOf(list.value, what).map(({ value }) => {
    const [id, second, third] = elementsOf(value, what);
    expectUniversal(id.value, TAG.OID, what);
    const critical = third !== undefined && isUniversal(second.value, TAG.BOOLEAN) && second.value.boolean().value;
    const octets = third ?? second;
    expectUniversal(octets.value, TAG.OCTET_STRING, what);
    return { oid: oidText(id.value), critical, value: octets.value.contents() };
  });
}

/** Refuses what is not supported; returns the partition an issuingDistributionPoint names, if any. */
function checkCrlExtensions(explicit: DerElement, label: string): ReadonlySet<string> | undefined {
  const what = `${label} crlExtensions`;
  if (explicit.value.form !== ASN1Form.Constructed) throw new RevocationListError(`${what} is not a constructed [0]`);
  let partition: ReadonlySet<string> | undefined;
  for (const extension of extensionsOf(readOnlyElement(explicit.value.contents(), what), what)) {
    if (extension.oid === DELTA_CRL_INDICATOR) throw new RevocationListError(`${label} is a delta CRL; publish complete CRLs`);
    if (extension.oid === ISSUING_DISTRIBUTION_POINT) partition = checkIssuingDistributionPoint(extension.value, label);
    else if (extension.critical) throw new RevocationListError(`${label} has the critical extension ${extension.oid}, which is not supported`);
  }
  return partition;
}

/**
 * issuingDistributionPoint: a CRL that covers end-entity certificates only is still complete for
 * client certificates; one that names its distribution point covers that partition only (its
 * names are returned); one limited to CA or attribute certificates, to some reasons, or indirect,
 * is refused.
 */
function checkIssuingDistributionPoint(value: Uint8Array, label: string): ReadonlySet<string> | undefined {
  const what = `${label} issuingDistributionPoint`;
  let partition: ReadonlySet<string> | undefined;
  for (const { value: field } of elementsOf(readOnlyElement(value, what).value, what)) {
    if (isContext(field, 0)) partition = distributionPointNames(field, what);
    else if (!isContext(field, 1)) {
      throw new RevocationListError(`${label} is a partial CRL (issuingDistributionPoint limits it to CA or attribute certificates, some reasons, or other issuers); publish a complete CRL`);
    }
  }
  return partition;
}
