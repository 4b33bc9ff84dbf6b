/**
 * The machine clients of `cbat.config.json` in `npm run local`, registered as the stack registers
 * them on AWS (the registry entry of stacks/machine-registry-entry.ts: its binding in the local
 * registry file, its `tokenEndpoint` registration for the mTLS token endpoint):
 * - a pinned client whose certificate the development CA issued (`cbat pki issue <name>`, found by
 *   its x5t#S256 in the PKI folder), with its configured scopes; one that names
 *   `self_signed_tls_client_auth` is also served by the mTLS token endpoint;
 * - every `tls_client_auth` client, by its subject DN (and issuer DN): any development certificate
 *   with that subject (`cbat pki issue <name> --subject <its subjectDn>`) authenticates it, at once.
 * The others cannot call the local gateway (it trusts only the development CA): they are listed
 * with what to do. A token request of a client without a local binding gets a message that says
 * what to do locally, not on AWS.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { TLS_CLIENT_AUTH_BINDING } from "../handlers/lib/client-voucher";
import { certificateFields } from "../handlers/lib/certificate-fields";
import { distinguishedNameOfDer, distinguishedNameText } from "../handlers/lib/certificate-name";
import { distinguishedNamesMatch, parseDistinguishedName } from "../handlers/lib/distinguished-name";
import { certificatePemToDer } from "../handlers/lib/thumbprint";
import type { MachineClientDefinition } from "../stacks/machine-client-definition";
import { tokenEndpointRegistration } from "../stacks/machine-registry-entry";
import type { CognitoIssuer, PreTokenGenerationHandler } from "./cognito-issuer";
import { devClientCertificates, type DevClientCertificate } from "./dev-pki-issue";
import { DEMO_MACHINE_CLIENT, DEMO_MTLS_CLIENT, ensureMachineClient } from "./local-machine-clients";
import type { MachineBindingsFile } from "./machine-bindings-file";

export interface RegisteredMachineClient {
  readonly name: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly certificate: string;
  readonly key: string;
  readonly scopes: readonly string[];
}

/** A client of the mTLS token endpoint with a development certificate that authenticates it (no secret). */
export interface LocalMtlsClient {
  readonly name: string;
  readonly clientId: string;
  readonly tokenEndpointAuthMethod: string;
  readonly certificate: string;
  readonly key: string;
  /** The scopes it may ask for. */
  readonly scopes?: readonly string[];
  /** tls_client_auth: the registered subject DN. */
  readonly subjectDn?: string;
}

export interface UnregisteredMachineClient {
  readonly name: string;
  /** Why it is not registered locally, and what to do. */
  readonly why: string;
}

/** A registered client that no development certificate can authenticate yet: why, and what to do. */
export interface MtlsClientHint {
  readonly name: string;
  readonly hint: string;
}

export interface ConfiguredMachineClients {
  /** Clients of OAuth client_credentials with their secret (pinned, with a development certificate). */
  readonly registered: RegisteredMachineClient[];
  readonly unregistered: UnregisteredMachineClient[];
  /** Clients of the mTLS token endpoint with a development certificate. */
  readonly mtls: LocalMtlsClient[];
  readonly mtlsHints: MtlsClientHint[];
  /** The `tokenEndpoint` field of each served client's registry entry, by app client id. */
  readonly tokenEndpoint: Map<string, Record<string, unknown>>;
}

const rel = (path: string) => relative(process.cwd(), path) || path;

/** A shell word: double quotes when nothing in it is special there, else single quotes. */
const shellWord = (text: string) => (/^[^"$`\\!]*$/.test(text) ? `"${text}"` : `'${text.replace(/'/g, `'\\''`)}'`);

/** The file name `cbat pki issue` can use for a client name (lowercase letters, digits, hyphens). */
const certificateNameOf = (name: string) => name.toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/^-+/, "") || "client";

/** The command that issues a development certificate a tls_client_auth client accepts. */
export function localSubjectCommand(name: string, subjectDn: string, pkiDir: string): string {
  return `npx cbat pki issue ${certificateNameOf(name)} --subject ${shellWord(subjectDn)} --dir ${rel(pkiDir)}`;
}

/** What to do locally for a pinned machine client without a development certificate. */
export function localCertificateHint(name: string, pkiDir: string): string {
  return `issue it a certificate from the development CA (npx cbat pki issue ${name} --dir ${rel(pkiDir)}), point machineClients.${name}.certificate in cbat.config.json at ${rel(pkiDir)}/${name}.pem, and restart npm run local`;
}

export async function registerConfiguredMachineClients(
  issuer: CognitoIssuer, bindings: MachineBindingsFile, userPoolId: string, pkiDir: string, clients: readonly MachineClientDefinition[], caPem: string,
): Promise<ConfiguredMachineClients> {
  const issued = devClientCertificates(pkiDir);
  const result: ConfiguredMachineClients = { registered: [], unregistered: [], mtls: [], mtlsHints: [], tokenEndpoint: new Map() };
  const caSubject = certificateFields(certificatePemToDer(caPem), "ca.pem").subject.encoded;
  for (const client of clients) {
    if (client.name === DEMO_MACHINE_CLIENT || client.name === DEMO_MTLS_CLIENT) {
      // Its local record would be the demo's, and the demo's walkthrough lines wrong.
      result.unregistered.push({ name: client.name, why: `npm run local keeps the name ${client.name} for its own demo client: give this machine client another name in cbat.config.json` });
      continue;
    }
    const registration = tokenEndpointRegistration(client);
    if (client.tlsClientAuth) {
      // Registered by its DN, as on AWS, whether or not a development certificate has it yet.
      const stored = await ensureMachineClient(issuer, bindings, userPoolId, client.name, client.scopes, TLS_CLIENT_AUTH_BINDING);
      result.tokenEndpoint.set(stored.clientId, registration!);
      const { subjectDn, issuerDn } = client.tlsClientAuth;
      if (issuerDn !== undefined && !distinguishedNamesMatch(parseDistinguishedName(issuerDn), distinguishedNameOfDer(caSubject))) {
        result.mtlsHints.push({ name: client.name, hint: `its issuerDn names a CA other than the development CA (${distinguishedNameText(caSubject)}), the only one the local gateway trusts, so no local certificate can authenticate it (invalid_client). To try it locally, start npm run local with a copy of the config without issuerDn (CBAT_CONFIG=<copy> npm run local), and issue a certificate with its subject: ${localSubjectCommand(client.name, subjectDn, pkiDir)}` });
        continue;
      }
      const certificate = [...issued.values()].find((candidate) => subjectMatches(candidate, subjectDn));
      if (certificate) result.mtls.push({ name: client.name, clientId: stored.clientId, tokenEndpointAuthMethod: "tls_client_auth", certificate: certificate.certificate, key: certificate.key, scopes: stored.allowedOAuthScopes, subjectDn });
      else result.mtlsHints.push({ name: client.name, hint: `no development certificate has its subject DN yet. Issue one; it is registered by that DN, so the certificate gets tokens at once, no restart: ${localSubjectCommand(client.name, subjectDn, pkiDir)}` });
      continue;
    }
    const certificate = issued.get(client.x5tS256);
    if (!certificate) {
      result.unregistered.push({ name: client.name, why: `its certificate is not from the development CA, the only one the local gateway trusts: ${localCertificateHint(client.name, pkiDir)}` });
      continue;
    }
    const stored = await ensureMachineClient(issuer, bindings, userPoolId, client.name, client.scopes, client.x5tS256);
    result.registered.push({ name: client.name, clientId: stored.clientId, clientSecret: stored.clientSecret, certificate: certificate.certificate, key: certificate.key, scopes: stored.allowedOAuthScopes });
    if (registration) {
      result.tokenEndpoint.set(stored.clientId, registration);
      result.mtls.push({ name: client.name, clientId: stored.clientId, tokenEndpointAuthMethod: "self_signed_tls_client_auth", certificate: certificate.certificate, key: certificate.key, scopes: stored.allowedOAuthScopes });
    }
  }
  return result;
}

function subjectMatches(certificate: DevClientCertificate, subjectDn: string): boolean {
  const der = certificatePemToDer(readFileSync(certificate.certificate, "utf8"));
  return distinguishedNamesMatch(parseDistinguishedName(subjectDn), distinguishedNameOfDer(certificateFields(der, certificate.name).subject.encoded));
}

/**
 * The stack's trigger, with a local answer for a machine client that has no registered
 * certificate (the trigger's own message says to apply, which is AWS's way): still no token.
 */
export function withLocalBindingHint(handler: PreTokenGenerationHandler, nameOf: (clientId: string) => string | undefined, bindings: MachineBindingsFile, pkiDir: string): PreTokenGenerationHandler {
  return async (event) => {
    const clientId = event?.callerContext?.clientId;
    if (event?.triggerSource === "TokenGeneration_ClientCredentials" && typeof clientId === "string" && (await bindings.lookup(clientId)) === undefined) {
      const name = nameOf(clientId) ?? clientId;
      throw new Error(`no certificate is registered locally for the machine client ${name}: ${localCertificateHint(name, pkiDir)} (or bind a client you created yourself with a line "${clientId}": "<x5t#S256>" in ${rel(bindings.file)})`);
    }
    return handler(event);
  };
}
