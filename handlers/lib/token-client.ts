/**
 * Which app clients' tokens the authorizer accepts: the users' client, listed machine clients
 * (MACHINE_CLIENT_IDS, `npm run local`), and, on AWS, every machine client registered in the
 * stack's SSM path (MACHINE_BINDINGS_PATH): a list in the environment cannot hold 500 client ids
 * (4 KB), the registry can. A registered client's token must also be bound to the certificate
 * the registry holds for it now, so a re-registered certificate retires the old one's tokens.
 * The registry lookup is cached per client (lib/ssm-machine-bindings.ts): a warm call makes no AWS call.
 */
import { TLS_CLIENT_AUTH_BINDING } from "./client-voucher";
import { AccessDeniedError } from "./errors";
import type { MachineBindingLookup } from "./machine-bindings";
import { normalizeFingerprint } from "./thumbprint";

/** Resolves when the verified token's client may call; throws AccessDeniedError otherwise. */
export type TokenClientCheck = (clientId: unknown, presentedX5tS256: string) => Promise<void>;

export function tokenClientCheck(userClientId: string, machineClientIds: readonly string[], registry?: MachineBindingLookup): TokenClientCheck {
  const listed = new Set([userClientId, ...machineClientIds]);
  return async (clientId, presentedX5tS256) => {
    if (typeof clientId !== "string") throw new AccessDeniedError("token_invalid");
    if (listed.has(clientId)) return;
    if (!registry) throw new AccessDeniedError("token_invalid");
    let registered: string | undefined;
    try {
      registered = await registry(clientId);
    } catch {
      throw new AccessDeniedError("config_error"); // the registry cannot be read: fail closed
    }
    if (registered === undefined) throw new AccessDeniedError("token_invalid"); // not a client of this stack
    // A tls_client_auth client registers its subject DN, not one certificate: its tokens are bound to
    // whichever certificate authenticated at the token endpoint, and the cnf check below this one holds.
    if (registered.trim() === TLS_CLIENT_AUTH_BINDING) return;
    let expected: string;
    try {
      expected = normalizeFingerprint(registered);
    } catch {
      throw new AccessDeniedError("config_error");
    }
    if (expected !== presentedX5tS256) throw new AccessDeniedError("cnf_mismatch");
  };
}
