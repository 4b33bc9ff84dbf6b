/**
 * The machine clients of `cbat.config.json` in `npm run local`: each one whose certificate the
 * development CA issued (`cbat pki issue <name>`, found by its x5t#S256 in the PKI folder) is
 * registered with its configured scopes and bound to that certificate, as the stack would do on
 * AWS. The others cannot call the local gateway (it trusts only the development CA): they are
 * listed with what to do. A token request of a client without a local binding gets a message
 * that says what to do locally, not on AWS.
 */
import { relative } from "node:path";
import type { MachineClientDefinition } from "../stacks/machine-client-config";
import type { CognitoIssuer, PreTokenGenerationHandler } from "./cognito-issuer";
import { devClientCertificates } from "./dev-pki-issue";
import { ensureMachineClient } from "./local-machine-clients";
import type { MachineBindingsFile } from "./machine-bindings-file";

export interface RegisteredMachineClient {
  readonly name: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly certificate: string;
  readonly key: string;
  readonly scopes: readonly string[];
}

export interface UnregisteredMachineClient {
  readonly name: string;
  /** Why it is not registered locally, and what to do. */
  readonly why: string;
}

const rel = (path: string) => relative(process.cwd(), path) || path;

/** What to do locally for a machine client without a development certificate. */
export function localCertificateHint(name: string, pkiDir: string): string {
  return `issue it a certificate from the development CA (npx cbat pki issue ${name} --dir ${rel(pkiDir)}), point machineClients.${name}.certificate in cbat.config.json at ${rel(pkiDir)}/${name}.pem, and restart npm run local`;
}

export async function registerConfiguredMachineClients(
  issuer: CognitoIssuer, bindings: MachineBindingsFile, userPoolId: string, pkiDir: string, clients: readonly MachineClientDefinition[],
): Promise<{ registered: RegisteredMachineClient[]; unregistered: UnregisteredMachineClient[] }> {
  const issued = devClientCertificates(pkiDir);
  const registered: RegisteredMachineClient[] = [];
  const unregistered: UnregisteredMachineClient[] = [];
  for (const client of clients) {
    const certificate = issued.get(client.x5tS256);
    if (!certificate) {
      unregistered.push({ name: client.name, why: `its certificate is not from the development CA, the only one the local gateway trusts: ${localCertificateHint(client.name, pkiDir)}` });
      continue;
    }
    const stored = await ensureMachineClient(issuer, bindings, userPoolId, client.name, client.scopes, client.x5tS256);
    registered.push({ name: client.name, clientId: stored.clientId, clientSecret: stored.clientSecret, certificate: certificate.certificate, key: certificate.key, scopes: stored.allowedOAuthScopes });
  }
  return { registered, unregistered };
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
