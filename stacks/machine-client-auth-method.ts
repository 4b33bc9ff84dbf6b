/**
 * `tokenEndpointAuthMethod` of a machine client (RFC 8705 §2), validated at synth:
 * - `self_signed_tls_client_auth` (the default): the pinned `certificate` or `fingerprint`;
 * - `tls_client_auth`: `subjectDn`, the RFC 4514 subject DN its certificates carry (the most
 *   specific RDN first, as `openssl x509 -noout -subject -nameopt RFC2253` prints it), and
 *   optionally `issuerDn`, the subject DN of the truststore CA that must have issued them. No
 *   pinned certificate: any certificate with that DN from a trusted CA authenticates, so a
 *   rotation needs no config change.
 */
import { DistinguishedNameError, distinguishedNamesMatch, parseDistinguishedName } from "../handlers/lib/distinguished-name";
import { MachineClientConfigError } from "./machine-client-config-error";

export interface TlsClientAuth {
  readonly subjectDn: string;
  readonly issuerDn?: string;
}

const METHODS = ["tls_client_auth", "self_signed_tls_client_auth"];

/** The tls_client_auth settings, or undefined for a pinned client. @throws MachineClientConfigError */
export function tlsClientAuthOf(fields: Record<string, unknown>, at: (field?: string) => string): TlsClientAuth | undefined {
  const method = fields.tokenEndpointAuthMethod ?? "self_signed_tls_client_auth";
  if (typeof method !== "string" || !METHODS.includes(method)) {
    throw new MachineClientConfigError(at("tokenEndpointAuthMethod"), `must be "tls_client_auth" (a subject DN from a trusted CA) or "self_signed_tls_client_auth" (the pinned certificate, the default)`);
  }
  if (method === "self_signed_tls_client_auth") {
    for (const field of ["subjectDn", "issuerDn"]) {
      if (fields[field] !== undefined) throw new MachineClientConfigError(at(field), `only for "tokenEndpointAuthMethod": "tls_client_auth"; this client pins its certificate`);
    }
    return undefined;
  }
  for (const field of ["certificate", "fingerprint"]) {
    if (fields[field] !== undefined) throw new MachineClientConfigError(at(field), `a tls_client_auth client is registered by subjectDn, not a pinned certificate; remove "${field}" (or use "self_signed_tls_client_auth")`);
  }
  return { subjectDn: dnOf(fields.subjectDn, at("subjectDn"), true)!, issuerDn: dnOf(fields.issuerDn, at("issuerDn"), false) };
}

function dnOf(value: unknown, setting: string, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== "string") throw new MachineClientConfigError(setting, `${required ? "required for tls_client_auth: " : ""}an RFC 4514 DN such as "CN=partner-a,O=Example Corp,C=GB" (openssl x509 -in cert.pem -noout -subject -nameopt RFC2253)`);
  try {
    parseDistinguishedName(value);
  } catch (error) {
    if (error instanceof DistinguishedNameError) throw new MachineClientConfigError(setting, error.message);
    throw error;
  }
  return value;
}

/**
 * Two tls_client_auth clients that one certificate could authenticate as: subjects that match
 * (distinguishedNamesMatch) and issuers that do, or one without an issuerDn (any truststore CA).
 * The token endpoint finds the client by client_id, so such a certificate would get the tokens,
 * and scopes, of either. @returns a message naming both, or undefined
 */
export function overlappingRegistration(a: { name: string; tlsClientAuth: TlsClientAuth }, b: { name: string; tlsClientAuth: TlsClientAuth }): string | undefined {
  if (!distinguishedNamesMatch(parseDistinguishedName(a.tlsClientAuth.subjectDn), parseDistinguishedName(b.tlsClientAuth.subjectDn))) return undefined;
  const [x, y] = [a.tlsClientAuth.issuerDn, b.tlsClientAuth.issuerDn];
  if (x !== undefined && y !== undefined && !distinguishedNamesMatch(parseDistinguishedName(x), parseDistinguishedName(y))) return undefined;
  return `${a.name} and ${b.name} register the same subjectDn${x === undefined || y === undefined ? " (one without issuerDn, so from any truststore CA)" : " and issuerDn"}: one certificate would authenticate as both; give each its own subject, or each its own issuerDn`;
}
