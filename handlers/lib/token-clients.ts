/**
 * The machine clients the mTLS token endpoint serves, and how each authenticates (RFC 8705 §2):
 * - `tls_client_auth`: a certificate whose subject matches the registered DN (distinguishedNameMatch),
 *   optionally issued by the registered CA (its subject DN against the certificate's issuer);
 * - `self_signed_tls_client_auth`: the certificate of the pinned x5t#S256.
 * The stack passes them as TOKEN_CLIENTS, JSON by app client id.
 */
import { certificateFields } from "./certificate-fields";
import { distinguishedNameOfDer } from "./certificate-name";
import { distinguishedNamesMatch, parseDistinguishedName, type DistinguishedName } from "./distinguished-name";
import { certificatePemToDer, normalizeFingerprint, thumbprintsMatch } from "./thumbprint";

export const CLIENT_AUTH_METHODS = ["tls_client_auth", "self_signed_tls_client_auth"] as const;
export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number];

/** One client as the stack writes it. */
export interface TokenClientSpec {
  /** The name in `machineClients`: names the client's secret parameter. */
  readonly name: string;
  readonly method: ClientAuthMethod;
  /** tls_client_auth: the RFC 4514 subject DN. */
  readonly subjectDn?: string;
  /** tls_client_auth, optional: the subject DN of the CA that must have issued the certificate. */
  readonly issuerDn?: string;
  /** self_signed_tls_client_auth: the pinned x5t#S256. */
  readonly x5tS256?: string;
  /** The scopes Cognito grants it; a request for another is `invalid_scope`. */
  readonly scopes: readonly string[];
}

export interface TokenClient extends TokenClientSpec {
  readonly clientId: string;
  readonly subject?: DistinguishedName;
  readonly issuer?: DistinguishedName;
}

const CLIENT_ID = /^[\w+]{1,128}$/;

/** @throws TypeError naming the client and the field */
export function parseTokenClients(value: unknown): ReadonlyMap<string, TokenClient> {
  const specs = typeof value === "string" ? JSON.parse(value) : value;
  if (specs === null || typeof specs !== "object" || Array.isArray(specs)) throw new TypeError('TOKEN_CLIENTS must be a JSON object {"<client id>": {"name", "method", …}}');
  const clients = new Map<string, TokenClient>();
  for (const [clientId, raw] of Object.entries(specs as Record<string, Partial<TokenClientSpec>>)) {
    const at = `TOKEN_CLIENTS.${clientId.slice(0, 128)}`;
    if (!CLIENT_ID.test(clientId) || raw === null || typeof raw !== "object") throw new TypeError(`${at}: expected an app client id mapped to an object`);
    if (typeof raw.name !== "string" || !/^[A-Za-z0-9._-]{1,63}$/.test(raw.name)) throw new TypeError(`${at}.name: must be the machine client's name`);
    if (!CLIENT_AUTH_METHODS.includes(raw.method as ClientAuthMethod)) throw new TypeError(`${at}.method: must be one of ${CLIENT_AUTH_METHODS.join(", ")}`);
    if (!Array.isArray(raw.scopes) || !raw.scopes.every((s) => typeof s === "string")) throw new TypeError(`${at}.scopes: must be a list of scopes`);
    let client: TokenClient;
    if (raw.method === "tls_client_auth") {
      if (typeof raw.subjectDn !== "string") throw new TypeError(`${at}.subjectDn: required for tls_client_auth`);
      client = { ...raw, clientId, subject: parseDistinguishedName(raw.subjectDn), issuer: raw.issuerDn === undefined ? undefined : parseDistinguishedName(raw.issuerDn) } as TokenClient;
    } else {
      if (typeof raw.x5tS256 !== "string") throw new TypeError(`${at}.x5tS256: required for self_signed_tls_client_auth`);
      client = { ...raw, clientId, x5tS256: normalizeFingerprint(raw.x5tS256) } as TokenClient;
    }
    clients.set(clientId, client);
  }
  return clients;
}

/**
 * Whether the presented certificate authenticates `client` (RFC 8705 §2.1.2, §2.2.2). The chain
 * was verified by the gateway against the truststore before the request got here.
 */
export function certificateAuthenticates(client: TokenClient, clientCertPem: string, x5tS256: string): boolean {
  if (client.method === "self_signed_tls_client_auth") return thumbprintsMatch(client.x5tS256!, x5tS256);
  const fields = certificateFields(certificatePemToDer(clientCertPem), "client certificate");
  if (!distinguishedNamesMatch(client.subject!, distinguishedNameOfDer(fields.subject.encoded))) return false;
  return client.issuer === undefined || distinguishedNamesMatch(client.issuer, distinguishedNameOfDer(fields.issuer.encoded));
}
