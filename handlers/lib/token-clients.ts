/**
 * The machine clients the mTLS token endpoint serves, and how each authenticates (RFC 8705 §2):
 * - `tls_client_auth`: a certificate whose subject matches the registered DN (distinguishedNameMatch),
 *   optionally issued by the registered CA (its subject DN against the certificate's issuer);
 * - `self_signed_tls_client_auth`: the certificate of the pinned x5t#S256.
 * On AWS each client's registration is in its machine-client registry entry (one SSM parameter per
 * client id, `"tokenEndpoint": {…}` beside its binding, see registryTokenClients); tests and
 * `npm run local` may pass them as a static map by app client id (parseTokenClients).
 */
import { certificateFields } from "./certificate-fields";
import { distinguishedNameOfDer } from "./certificate-name";
import { distinguishedNamesMatch, parseDistinguishedName, type DistinguishedName } from "./distinguished-name";
import { TLS_CLIENT_AUTH_BINDING } from "./client-voucher";
import { MachineBindingError } from "./errors";
import type { MachineRegistryEntry, MachineRegistryLookup } from "./ssm-machine-bindings";
import { certificatePemToDer, normalizeFingerprint, thumbprintsMatch } from "./thumbprint";

export const CLIENT_AUTH_METHODS = ["tls_client_auth", "self_signed_tls_client_auth"] as const;
export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number];

/** One client's registration: an entry of a fixed map, or a registry entry's `tokenEndpoint` with its binding. */
export interface TokenClientSpec {
  /** The name in `machineClients`: names the client's secret parameter. */
  readonly name: string;
  readonly method: ClientAuthMethod;
  /** tls_client_auth: the RFC 4514 subject DN. */
  readonly subjectDn?: string;
  /** tls_client_auth, optional: the subject DN of the CA that must have issued the certificate. */
  readonly issuerDn?: string;
  /** self_signed_tls_client_auth: the pinned x5t#S256 (from the registry: the entry's own binding). */
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
/** The fields of a registry entry's `tokenEndpoint` (stacks/machine-clients.ts writes them); the pinned thumbprint is the entry's binding. */
const REGISTRATION_KEYS = ["name", "method", "subjectDn", "issuerDn", "scopes"];

/** The calling client's registration; undefined when the token endpoint does not serve it. Throws when it cannot be read or used. */
export type TokenClientLookup = (clientId: string) => Promise<TokenClient | undefined>;

/** @throws TypeError naming the client and the field */
export function parseTokenClients(value: unknown): ReadonlyMap<string, TokenClient> {
  const specs = typeof value === "string" ? JSON.parse(value) : value;
  if (specs === null || typeof specs !== "object" || Array.isArray(specs)) throw new TypeError('clients must be an object {"<client id>": {"name", "method", …}}');
  const clients = new Map<string, TokenClient>();
  for (const [clientId, raw] of Object.entries(specs as Record<string, unknown>)) clients.set(clientId, parseTokenClient(clientId, raw, `clients.${clientId.slice(0, 128)}`));
  return clients;
}

/** One client's registration; `at` names it in errors. @throws TypeError naming the field */
export function parseTokenClient(clientId: string, value: unknown, at: string): TokenClient {
  const raw = value as Partial<TokenClientSpec> | null;
  if (!CLIENT_ID.test(clientId) || raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new TypeError(`${at}: expected an app client id mapped to an object`);
  if (typeof raw.name !== "string" || !/^[A-Za-z0-9._-]{1,63}$/.test(raw.name)) throw new TypeError(`${at}.name: must be the machine client's name`);
  if (!CLIENT_AUTH_METHODS.includes(raw.method as ClientAuthMethod)) throw new TypeError(`${at}.method: must be one of ${CLIENT_AUTH_METHODS.join(", ")}`);
  if (!Array.isArray(raw.scopes) || !raw.scopes.every((s) => typeof s === "string")) throw new TypeError(`${at}.scopes: must be a list of scopes`);
  if (raw.method === "tls_client_auth") {
    if (typeof raw.subjectDn !== "string") throw new TypeError(`${at}.subjectDn: required for tls_client_auth`);
    if (raw.issuerDn !== undefined && typeof raw.issuerDn !== "string") throw new TypeError(`${at}.issuerDn: must be a DN`);
    return { ...raw, clientId, subject: parseDistinguishedName(raw.subjectDn), issuer: raw.issuerDn === undefined ? undefined : parseDistinguishedName(raw.issuerDn) } as TokenClient;
  }
  if (typeof raw.x5tS256 !== "string") throw new TypeError(`${at}.x5tS256: required for self_signed_tls_client_auth`);
  return { ...raw, clientId, x5tS256: normalizeFingerprint(raw.x5tS256) } as TokenClient;
}

/**
 * The token endpoint's lookup over the machine-client registry: the entry's `tokenEndpoint`
 * (name, method, subjectDn, issuerDn, scopes) with the entry's own binding as the pinned
 * thumbprint, so the certificate that authenticates is the one the trigger binds. An entry without
 * `tokenEndpoint` is a client that names no method: not served (undefined). Parsed once per entry
 * the registry hands out (it returns the same object while cached).
 * @returns a lookup that throws MachineBindingError for a registration that cannot be used
 */
export function registryTokenClients(registry: MachineRegistryLookup): TokenClientLookup {
  const parsed = new WeakMap<MachineRegistryEntry, TokenClient>();
  return async (clientId) => {
    const entry = await registry(clientId);
    if (entry?.tokenEndpoint === undefined) return undefined;
    const known = parsed.get(entry);
    if (known) return known;
    const marked = entry.x5tS256.trim() === TLS_CLIENT_AUTH_BINDING;
    const unknown = Object.keys(entry.tokenEndpoint).filter((key) => !REGISTRATION_KEYS.includes(key));
    if (unknown.length > 0) throw new MachineBindingError(`the machine client's registry entry: tokenEndpoint has unknown field(s) ${unknown.map((key) => JSON.stringify(key.slice(0, 40))).join(", ")}; refused`);
    let client: TokenClient;
    try {
      client = parseTokenClient(clientId, { ...entry.tokenEndpoint, ...(marked ? {} : { x5tS256: entry.x5tS256 }) }, "the machine client's registry entry: tokenEndpoint");
    } catch (error) {
      // Messages name the field, never the value (a DN parse error names the character only).
      throw new MachineBindingError((error as Error).message);
    }
    // The trigger binds a tls_client_auth client to the vouched certificate only under the marker, and a pinned one to its thumbprint.
    if (marked !== (client.method === "tls_client_auth")) throw new MachineBindingError("the machine client's registry entry: its binding and tokenEndpoint.method disagree; refused");
    parsed.set(entry, client);
    return client;
  };
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
