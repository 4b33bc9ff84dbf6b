/**
 * One machine client's value in the registry (one SSM String parameter per client id, see
 * machine-clients.ts and handlers/lib/ssm-machine-bindings.ts):
 *
 *   {"clientId": "<app client id>", "x5t#S256": "<thumbprint, or tls_client_auth>"}
 *
 * and for a client that names a `tokenEndpointAuthMethod`, its registration at the mTLS token
 * endpoint beside it (handlers/lib/token-clients.ts reads it; the pinned thumbprint is the binding):
 *
 *   "tokenEndpoint": {"name", "method", "subjectDn"?, "issuerDn"?, "scopes"}
 *
 * The trigger, the authorizer and the token endpoint read the same entry: one fact, one place.
 */
import { AWS_QUOTAS, quotaMessage } from "./aws-quotas";
import type { MachineClientDefinition } from "./machine-client-definition";
import { terraformLiteral } from "./terraform-literal";

/** The registration the token endpoint reads; undefined for a client that names no method (not served). */
export function tokenEndpointRegistration(client: MachineClientDefinition): Record<string, unknown> | undefined {
  if (client.tokenEndpointAuthMethod === undefined) return undefined;
  return {
    name: client.name,
    method: client.tokenEndpointAuthMethod,
    ...(client.tlsClientAuth ? { subjectDn: client.tlsClientAuth.subjectDn } : {}),
    ...(client.tlsClientAuth?.issuerDn !== undefined ? { issuerDn: client.tlsClientAuth.issuerDn } : {}),
    scopes: client.scopes,
  };
}

/**
 * What is wrong with the client's entry at its longest (a 128-character client id): the quota
 * message when it would not fit a Standard parameter, else undefined.
 */
export function registryEntryOverflow(client: MachineClientDefinition): string | undefined {
  const registration = tokenEndpointRegistration(client);
  // Terraform's jsonencode writes <, >, &, U+2028 and U+2029 as \u escapes, six bytes each
  // (developer.hashicorp.com/terraform/language/functions/jsonencode).
  const json = JSON.stringify({ clientId: "x".repeat(128), "x5t#S256": client.x5tS256, ...(registration ? { tokenEndpoint: registration } : {}) });
  const bytes = Buffer.byteLength(json.replace(/[<>&\u2028\u2029]/g, "\\u0000"));
  if (bytes <= AWS_QUOTAS.ssmStandardParameterBytes.value) return undefined;
  return quotaMessage("ssmStandardParameterBytes", `the registry entry of machine client ${client.name}${registration ? " (its scopes and DNs, for the mTLS token endpoint: use fewer or shorter scopes)" : ""}`, bytes);
}

/**
 * The parameter's value, for Fn.jsonencode (the client id is a reference, known after apply). The
 * config's text is read literally by Terraform (terraform-literal.ts).
 * @throws Error naming the client when the value would not fit a Standard parameter
 */
export function registryEntry(clientId: string, client: MachineClientDefinition): Record<string, unknown> {
  const overflow = registryEntryOverflow(client);
  if (overflow) throw new Error(overflow);
  const registration = tokenEndpointRegistration(client);
  return { clientId, "x5t#S256": client.x5tS256, ...(registration ? { tokenEndpoint: literally(registration) } : {}) };
}

function literally(value: unknown): unknown {
  if (typeof value === "string") return terraformLiteral(value);
  if (Array.isArray(value)) return value.map(literally);
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, v]) => [key, literally(v)]));
}
