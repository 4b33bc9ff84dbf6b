/**
 * `machineClients` of cbat.config.json: services and partners that get certificate-bound
 * access tokens with OAuth client_credentials.
 *
 *   "machineClients": {
 *     "partner-a": { "certificate": "certs/partner-a.pem", "scopes": ["accounts/read"] },
 *     "billing":   { "fingerprint": "sha256 Fingerprint=AB:CD:…" }
 *   }
 *
 * Each has exactly one of `certificate` (a PEM or DER file, relative to the config file) or
 * `fingerprint` (any accepted form), and custom scopes of the resource server
 * (`<api.resourceServer>/<name>`); every client also gets `<api.resourceServer>/invoke`.
 * `tokenEndpointAuthMethod` (RFC 8705 §2) says how it authenticates at the stack's mTLS token
 * endpoint: `self_signed_tls_client_auth` (the default: the pinned certificate, as above) or
 * `tls_client_auth` with `subjectDn` (RFC 4514) and optionally `issuerDn` instead of a pinned certificate.
 */
import { isAbsolute, resolve } from "node:path";
import { ApiDocumentError } from "./api-document-error";
import { checkScopes, defaultMachineScope, resourceServerScopeName } from "./api-scopes";
import { CertificateInputError, thumbprintOfCertificateFile, thumbprintOfFingerprint } from "./certificate-thumbprint";
import { AWS_QUOTAS, quotaMessage } from "./aws-quotas";
import { TLS_CLIENT_AUTH_BINDING } from "../handlers/lib/client-voucher";
import { overlappingRegistration, tlsClientAuthOf } from "./machine-client-auth-method";
import type { MachineClientDefinition } from "./machine-client-definition";
import type { TlsClientAuth } from "./machine-client-auth-method";
import { MachineClientConfigError } from "./machine-client-config-error";
import { registryEntryOverflow } from "./machine-registry-entry";

/** Names that work as Cognito client names, Terraform output keys and construct ids. */
const CLIENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const CLIENT_KEYS = ["certificate", "fingerprint", "scopes", "tokenEndpointAuthMethod", "subjectDn", "issuerDn", "$comment"];

/** A machineClients setting with a bad value; `setting` names it as the user wrote it. */

/**
 * Reads and validates the section. `where` turns a key into the setting's name (with the file).
 * @throws MachineClientConfigError naming the client, the field and what to do
 */
export function parseMachineClients(section: unknown, configDir: string, resourceServer: string, where: (key: string) => string): MachineClientDefinition[] {
  const example = '{"partner-a": {"certificate": "certs/partner-a.pem", "scopes": ["' + resourceServer + '/read"]}}';
  if (section === null || typeof section !== "object" || Array.isArray(section)) throw new MachineClientConfigError(where("machineClients"), `must map client names to their certificate and scopes, e.g. ${example}`);
  const entries = Object.entries(section);
  const clients = entries.map(([name, spec]) => {
    const at = (field?: string) => where(`machineClients.${name}${field ? `.${field}` : ""}`);
    if (!CLIENT_NAME.test(name)) throw new MachineClientConfigError(at(), "a client name is 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit");
    if (spec === null || typeof spec !== "object" || Array.isArray(spec)) throw new MachineClientConfigError(at(), `must be an object such as ${JSON.stringify(JSON.parse(example)["partner-a"])}`);
    const fields = spec as Record<string, unknown>;
    const unknown = Object.keys(fields).filter((key) => !CLIENT_KEYS.includes(key));
    if (unknown.length > 0) throw new MachineClientConfigError(at(), `unknown setting(s) ${unknown.join(", ")}; allowed: certificate, fingerprint, scopes, tokenEndpointAuthMethod, subjectDn, issuerDn`);
    const tlsClientAuth = tlsClientAuthOf(fields, at);
    const x5tS256 = tlsClientAuth ? TLS_CLIENT_AUTH_BINDING : thumbprintOf(fields, configDir, at);
    const scopes = scopesOf(fields.scopes, resourceServer, name, at("scopes"));
    const client: MachineClientDefinition = tlsClientAuth
      ? { name, x5tS256, tokenEndpointAuthMethod: "tls_client_auth", tlsClientAuth, scopes }
      : { name, x5tS256, ...(fields.tokenEndpointAuthMethod ? { tokenEndpointAuthMethod: "self_signed_tls_client_auth" as const } : {}), scopes };
    const overflow = registryEntryOverflow(client);
    if (overflow) throw new MachineClientConfigError(at(), overflow);
    return client;
  });
  const byDn = clients.filter((client): client is MachineClientDefinition & { tlsClientAuth: TlsClientAuth } => client.tlsClientAuth !== undefined);
  byDn.forEach((client, i) => {
    for (const other of byDn.slice(i + 1)) {
      const overlap = overlappingRegistration(client, other);
      if (overlap) throw new MachineClientConfigError(where(`machineClients.${other.name}.subjectDn`), overlap);
    }
  });
  return clients;
}

function thumbprintOf(fields: Record<string, unknown>, configDir: string, at: (field?: string) => string): string {
  const { certificate, fingerprint } = fields;
  if ((certificate === undefined) === (fingerprint === undefined)) {
    throw new MachineClientConfigError(at(), `set exactly one of "certificate" (a PEM or DER file, relative to the config file) or "fingerprint" (e.g. the output of \`cbat fingerprint client.pem\`); found ${certificate === undefined ? "neither" : "both"}`);
  }
  try {
    if (fingerprint !== undefined) return thumbprintOfFingerprint(fingerprint);
    if (typeof certificate !== "string" || certificate === "") throw new CertificateInputError("must be the path of the client's certificate file, relative to the config file");
    return thumbprintOfCertificateFile(isAbsolute(certificate) ? certificate : resolve(configDir, certificate));
  } catch (error) {
    if (error instanceof CertificateInputError) throw new MachineClientConfigError(at(fingerprint !== undefined ? "fingerprint" : "certificate"), error.message);
    throw error;
  }
}

/** The default scope first, then the configured ones; each must be `<resource server>/<name>`. */
function scopesOf(value: unknown, resourceServer: string, client: string, setting: string): string[] {
  let scopes: string[];
  try {
    scopes = checkScopes(value ?? [], setting);
  } catch (error) {
    if (error instanceof ApiDocumentError) throw new MachineClientConfigError(setting, error.message.slice(setting.length + 2));
    throw error;
  }
  for (const scope of scopes) {
    if (resourceServerScopeName(scope, resourceServer) === undefined) {
      throw new MachineClientConfigError(setting, `machine client "${client}": scope "${scope}" is not a custom scope of the resource server "${resourceServer}"; client_credentials tokens carry only "${resourceServer}/<name>" scopes (set api.resourceServer, or rename the scope in the API document and here)`);
    }
  }
  const granted = [...new Set([defaultMachineScope(resourceServer), ...scopes])];
  const limit = AWS_QUOTAS.cognitoScopesPerAppClient.value;
  if (granted.length > limit) {
    throw new MachineClientConfigError(setting, quotaMessage("cognitoScopesPerAppClient", `machine client "${client}" would be granted ${granted.length} scopes (${defaultMachineScope(resourceServer)} included); give it fewer, broader scopes`, granted.length));
  }
  return granted;
}
