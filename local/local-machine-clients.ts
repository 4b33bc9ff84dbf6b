/**
 * Machine clients in `npm run local`: the resource server's scopes as the stack declares them,
 * and the demo machine client, `demo-machine`, bound to the dev PKI's machine.pem with every
 * scope of the served API, created through the issuer's own CreateUserPoolClient.
 */
import { x5tS256FromPem } from "../handlers/lib/thumbprint";
import { GROUP_SCOPES_FILE, ROUTE_SCOPES_FILE } from "../handlers/lib/packaged-data";
import { DEFAULT_RESOURCE_SERVER, resourceServerScopes } from "../stacks/api-scopes";
import { packagedJson } from "./lambda-package";
import type { CognitoIssuer } from "./cognito-issuer";
import type { MachineBindingsFile } from "./machine-bindings-file";
import type { StoredMachineClient } from "./machine-client-store";
import type { LocalApiConfig } from "./stack-config";

export const DEMO_MACHINE_CLIENT = "demo-machine";
/** The demo tls_client_auth client of the local mTLS token endpoint (local-token-endpoint.ts). */
export const DEMO_MTLS_CLIENT = "demo-mtls";

/**
 * The custom scopes machine clients may be granted: the stack's resource server's when it has
 * machine clients, else the ones the stack would declare (`identifier`, default "cbat"): every
 * `<identifier>/<name>` of the routes and groups, and `<identifier>/invoke`.
 */
export function localResourceServerScopes(config: LocalApiConfig, identifier = DEFAULT_RESOURCE_SERVER): string[] {
  if (config.resourceServer) return [...config.resourceServer.scopes].sort();
  const authorizer = config.routes.find((route) => route.authorizer)?.authorizer?.function;
  const routeScopes = Object.values(authorizer ? packagedJson<Record<string, unknown>>(authorizer, ROUTE_SCOPES_FILE) : {});
  const groupScopes = Object.values(config.preTokenGeneration ? packagedJson<Record<string, unknown>>(config.preTokenGeneration, GROUP_SCOPES_FILE) : {});
  return resourceServerScopes(identifier, [...routeScopes, ...groupScopes].filter(Array.isArray));
}

/** demo-machine with `scopes`, bound to `certificatePem`; created once, its scopes and binding kept current. */
export async function ensureDemoMachineClient(issuer: CognitoIssuer, bindings: MachineBindingsFile, userPoolId: string, scopes: readonly string[], certificatePem: string): Promise<StoredMachineClient> {
  return ensureMachineClient(issuer, bindings, userPoolId, DEMO_MACHINE_CLIENT, scopes, x5tS256FromPem(certificatePem));
}

/** The client `name` with `scopes`, bound to `x5tS256`: created once (CreateUserPoolClient), its scopes and binding kept current. */
export async function ensureMachineClient(issuer: CognitoIssuer, bindings: MachineBindingsFile, userPoolId: string, name: string, scopes: readonly string[], x5tS256: string): Promise<StoredMachineClient> {
  const store = issuer.machineClients!;
  let client = store.byName(name);
  if (!client) {
    const created = await issuer.call("CreateUserPoolClient", {
      UserPoolId: userPoolId, ClientName: name, GenerateSecret: true,
      AllowedOAuthFlows: ["client_credentials"], AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: [...scopes],
    });
    client = store.get((created.UserPoolClient as { ClientId: string }).ClientId)!;
  } else if (client.allowedOAuthScopes.join(" ") !== scopes.join(" ")) {
    store.setScopes(client.clientId, scopes); // another API or other scopes are configured than last time
    client = store.get(client.clientId)!;
  }
  bindings.bind(client.clientId, x5tS256);
  return client;
}
