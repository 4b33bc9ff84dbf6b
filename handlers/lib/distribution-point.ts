/**
 * CRL distribution point names (RFC 5280 §4.2.1.13, §5.2.5), for partitioned CRLs: a CRL's
 * issuingDistributionPoint names the partition it covers, a certificate's cRLDistributionPoints
 * names the partition it is listed in. Names meet as their DER encodings (a URI is a
 * `[6] IA5String`), compared as hex: the same rule as issuer names.
 */
import type { ASN1Value } from "./der-value";
import { elementsOf, expectUniversal, forEachElement, hexOf, isContext, oidText, readOnlyElement, TAG, type DerElement } from "./der";
import { RevocationListError } from "./errors";

const CRL_DISTRIBUTION_POINTS = "2.5.29.31";

/**
 * The fullName GeneralNames of a `[0] DistributionPointName` (explicit: the name is a CHOICE).
 * @throws RevocationListError for nameRelativeToCRLIssuer (not supported) or malformed DER
 */
export function distributionPointNames(explicit: ASN1Value, what: string): ReadonlySet<string> {
  const name = readOnlyElement(explicit.contents(), what).value;
  if (!isContext(name, 0)) throw new RevocationListError(`${what} names its distribution point relative to the CRL issuer, which is not supported; name it with a URI`);
  const names = new Set<string>();
  forEachElement(name.contents(), what, (generalName) => void names.add(hexOf(generalName.encoded)));
  if (names.size === 0) throw new RevocationListError(`${what} names an empty distribution point`);
  return names;
}

/**
 * Every fullName of a certificate's cRLDistributionPoints extension (empty when it has none).
 * Distribution points with a cRLIssuer (indirect CRLs, which are refused) or a relative name add nothing.
 */
export function certificateDistributionPoints(extensions: DerElement | undefined, what: string): ReadonlySet<string> {
  const names = new Set<string>();
  if (!extensions) return names;
  for (const { value } of elementsOf(extensions.value, what)) {
    const [id, ...rest] = elementsOf(value, what);
    expectUniversal(id?.value, TAG.OID, what);
    if (oidText(id.value) !== CRL_DISTRIBUTION_POINTS) continue;
    const octets = rest[rest.length - 1];
    expectUniversal(octets?.value, TAG.OCTET_STRING, what);
    for (const point of elementsOf(readOnlyElement(octets.value.contents(), `${what} cRLDistributionPoints`).value, what)) {
      const fields = elementsOf(point.value, what);
      if (fields.some((field) => isContext(field.value, 2))) continue;
      const distributionPoint = fields.find((field) => isContext(field.value, 0));
      if (!distributionPoint || !isContext(readOnlyElement(distributionPoint.value.contents(), what).value, 0)) continue;
      for (const name of distributionPointNames(distributionPoint.value, what)) names.add(name);
    }
  }
  return names;
}
