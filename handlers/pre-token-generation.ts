/**
 * Cognito pre token generation trigger (event versions V2_0 and V3_0): binds the access token
 * to a client certificate by adding `cnf: {"x5t#S256": …}` (RFC 8705 §3.1).
 * - User sign-in (every trigger source but client credentials): the certificate of the user's
 *   `custom:cert_fingerprint` attribute, plus the scopes that the user's Cognito groups map to
 *   (group-scopes.json in the function's package, from `api.groupScopes`). No AWS API call.
 * - Machine clients (`TokenGeneration_ClientCredentials`, V3_0 only): the certificate registered
 *   for `callerContext.clientId` in the machine-client binding registry (MACHINE_BINDINGS_PATH,
 *   one SSM parameter per client, each read at most once a minute).
 *
 * Fails closed: without a valid fingerprint it throws, and Cognito issues no tokens at
 * all, rather than an unbound token that would work with any trusted certificate.
 */
import { TLS_CLIENT_AUTH_BINDING, thumbprintOfVoucher, type VoucherMac } from "./lib/client-voucher";
import { FingerprintFormatError, FingerprintMissingError, MachineBindingError } from "./lib/errors";
import { kmsVoucherMac } from "./lib/kms-voucher-mac";
import type { MachineBindingLookup } from "./lib/machine-bindings";
import { GROUP_SCOPES_FILE, readPackagedJson } from "./lib/packaged-data";
import { ssmMachineBindings } from "./lib/ssm-machine-bindings";
import { normalizeFingerprint } from "./lib/thumbprint";

export type { MachineBindingLookup } from "./lib/machine-bindings";
export { ssmMachineBindings } from "./lib/ssm-machine-bindings";

/** The user attribute that holds the bound certificate's SHA-256 fingerprint. */
export const CERT_FINGERPRINT_ATTRIBUTE = "custom:cert_fingerprint";

type Claims = Record<string, unknown>;

interface TokenGenerationOverrides {
  claimsToAddOrOverride?: Claims;
  claimsToSuppress?: string[];
  scopesToAdd?: string[];
  scopesToSuppress?: string[];
  [key: string]: unknown;
}

export interface PreTokenGenerationV2Event {
  version?: string;
  triggerSource?: string;
  userName?: string;
  request: {
    userAttributes: Record<string, string | undefined>;
    [key: string]: unknown;
  };
  response: {
    claimsAndScopeOverrideDetails?: {
      idTokenGeneration?: TokenGenerationOverrides;
      accessTokenGeneration?: TokenGenerationOverrides;
      groupOverrideDetails?: unknown;
      [key: string]: unknown;
    } | null;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** Event versions whose response can change the access token (V2_0 and V3_0 triggers). */
const ACCESS_TOKEN_EVENT_VERSIONS = new Set(["2", "3"]);
/** The trigger source of a machine client's token (V3_0 events only). */
export const CLIENT_CREDENTIALS_TRIGGER = "TokenGeneration_ClientCredentials";
/**
 * Cognito's self-service scope: an access token with it may call GetUser, UpdateUserAttributes,
 * DeleteUser, ChangePassword or SetUserMFAPreference, and Cognito checks no certificate there.
 * Suppressed in users' tokens, so a stolen token cannot change the account (its email, then a
 * password reset) without the bound key.
 */
export const SELF_SERVICE_SCOPE = "aws.cognito.signin.user.admin";

export type GroupScopes = Readonly<Record<string, readonly string[]>>;

export interface PreTokenGenerationOptions {
  /** Cognito group → scopes added to the access tokens of its members. @default none */
  readonly groupScopes?: GroupScopes;
  /**
   * The certificate registered for a machine client (client_credentials), by client id.
   * @default none: every client-credentials token request fails
   */
  readonly machineBindings?: MachineBindingLookup;
  /**
   * Verifies the vouchers of `tls_client_auth` clients (lib/client-voucher.ts).
   * @default none: every token request of a tls_client_auth client fails
   */
  readonly voucherMac?: VoucherMac;
}

export type PreTokenGenerationHandler = (event: PreTokenGenerationV2Event) => Promise<PreTokenGenerationV2Event>;

/**
 * Creates the trigger.
 * @throws TypeError when groupScopes is not an object of scope lists
 */
export function createPreTokenGenerationHandler(options: PreTokenGenerationOptions = {}): PreTokenGenerationHandler {
  const groupScopes = checkGroupScopes(options.groupScopes ?? {});
  const machineBindings = options.machineBindings;
  if (machineBindings !== undefined && typeof machineBindings !== "function") throw new TypeError("machineBindings must be a lookup function (client id → fingerprint)");
  return async (event) => bindAccessToken(event, groupScopes, machineBindings, options.voucherMac);
}

async function bindAccessToken(event: PreTokenGenerationV2Event, groupScopes: GroupScopes, machineBindings: MachineBindingLookup | undefined, voucherMac?: VoucherMac): Promise<PreTokenGenerationV2Event> {
  if (!event || typeof event !== "object" || !event.request || typeof event.request !== "object") {
    throw new Error("pre token generation: malformed event");
  }
  if (event.version !== undefined && !ACCESS_TOKEN_EVENT_VERSIONS.has(String(event.version))) {
    throw new Error(
      `pre token generation: event version ${String(event.version).slice(0, 8)} cannot customise access tokens; configure the trigger with lambda_version V3_0`,
    );
  }
  const machine = event.triggerSource === CLIENT_CREDENTIALS_TRIGGER;
  const cnf = { "x5t#S256": machine ? await machineThumbprint(event.callerContext, machineBindings, event.request, voucherMac) : boundThumbprint(event.request.userAttributes) };
  // Groups are users' only; a machine client's scopes are those Cognito granted it.
  const scopesToAdd = machine ? [] : scopesOfGroups(event.request.groupConfiguration, groupScopes).filter((s) => s !== SELF_SERVICE_SCOPE);

  const response = event.response && typeof event.response === "object" ? event.response : {};
  const details = response.claimsAndScopeOverrideDetails ?? {};
  const access = details.accessTokenGeneration ?? {};
  event.response = {
    ...response,
    claimsAndScopeOverrideDetails: {
      ...details,
      accessTokenGeneration: {
        ...access,
        claimsToAddOrOverride: { ...(access.claimsToAddOrOverride ?? {}), cnf },
        ...(scopesToAdd.length > 0 ? { scopesToAdd: [...new Set([...(access.scopesToAdd ?? []), ...scopesToAdd])] } : {}),
        ...(machine ? {} : { scopesToSuppress: [...new Set([...(access.scopesToSuppress ?? []), SELF_SERVICE_SCOPE])] }),
        // A suppressed cnf would issue an unbound token.
        ...(access.claimsToSuppress ? { claimsToSuppress: access.claimsToSuppress.filter((c) => c !== "cnf") } : {}),
      },
    },
  };
  return event;
}

/** The scopes of the groups the user is in (`groupsToOverride`), in the table's order. */
function scopesOfGroups(groupConfiguration: unknown, groupScopes: GroupScopes): string[] {
  const groups = (groupConfiguration as { groupsToOverride?: unknown } | undefined)?.groupsToOverride;
  if (!Array.isArray(groups)) return [];
  return [...new Set(groups.flatMap((group) => (typeof group === "string" && Object.hasOwn(groupScopes, group) ? groupScopes[group] : [])))];
}

function checkGroupScopes(value: unknown): GroupScopes {
  if (value === null || typeof value !== "object" || Array.isArray(value) ||
      !Object.values(value).every((scopes) => Array.isArray(scopes) && scopes.every((s) => typeof s === "string" && /^[\x21\x23-\x5B\x5D-\x7E]+$/.test(s)))) {
    throw new TypeError('group scopes must be an object such as {"readers": ["accounts:read"]}');
  }
  return value as GroupScopes;
}

/**
 * Lambda entry point, configured from group-scopes.json in its package (lib/packaged-data.ts;
 * missing = no token at all) and
 * MACHINE_BINDINGS_PATH (the SSM path of the machine-client bindings; absent = no
 * machine clients). A malformed value fails every invocation, so Cognito issues no token
 * rather than a wrong one.
 */
export const handler: PreTokenGenerationHandler = (() => {
  const refuse = (problem: string): PreTokenGenerationHandler => async () => {
    throw new Error(`pre token generation: ${problem}; no token is issued`);
  };
  let groupScopes: GroupScopes | undefined;
  let machineBindings: MachineBindingLookup | undefined;
  try {
    groupScopes = readPackagedJson(GROUP_SCOPES_FILE) as GroupScopes;
  } catch (error) {
    return refuse((error as Error).message);
  }
  try {
    const parameterPath = process.env.MACHINE_BINDINGS_PATH;
    machineBindings = parameterPath ? ssmMachineBindings({ parameterPath }) : undefined;
    const voucherKeyId = process.env.VOUCHER_KEY_ID;
    return createPreTokenGenerationHandler({ groupScopes, machineBindings, voucherMac: voucherKeyId ? kmsVoucherMac({ keyId: voucherKeyId }) : undefined });
  } catch (error) {
    return refuse((error as Error).message);
  }
})();

/** The certificate registered for the calling machine client; throws without one. */
async function machineThumbprint(callerContext: unknown, machineBindings: MachineBindingLookup | undefined, request: unknown, voucherMac: VoucherMac | undefined): Promise<string> {
  const clientId = callerContext !== null && typeof callerContext === "object" ? (callerContext as { clientId?: unknown }).clientId : undefined;
  if (typeof clientId !== "string" || clientId === "") throw new MachineBindingError("client credentials event without callerContext.clientId");
  if (!machineBindings) throw new MachineBindingError("no machine-client binding registry is configured (MACHINE_BINDINGS_PATH); no machine client gets a token");
  const registered = await machineBindings(clientId);
  if (registered === undefined || registered.trim() === "") {
    throw new MachineBindingError("no certificate is registered for this machine client: add it to machineClients in cbat.config.json and apply");
  }
  // tls_client_auth (RFC 8705 §2.1): bound to the certificate the token endpoint vouches for; pinned clients ignore client metadata.
  if (registered.trim() === TLS_CLIENT_AUTH_BINDING) return thumbprintOfVoucher(voucherMac, request, clientId);
  try {
    return normalizeFingerprint(registered);
  } catch (error) {
    if (error instanceof FingerprintFormatError) throw new MachineBindingError(`the certificate registered for this machine client is not a valid SHA-256 fingerprint: ${error.message}`);
    throw error;
  }
}

function boundThumbprint(attributes: unknown): string {
  const stored = attributes && typeof attributes === "object" ? (attributes as Record<string, unknown>)[CERT_FINGERPRINT_ATTRIBUTE] : undefined;
  if (stored === undefined || stored === null || (typeof stored === "string" && stored.trim() === "")) {
    throw new FingerprintMissingError(
      `no client certificate is bound to this user: set ${CERT_FINGERPRINT_ATTRIBUTE} (e.g. with \`cbat bind\`) before signing in`,
    );
  }
  try {
    return normalizeFingerprint(stored as string);
  } catch (error) {
    if (error instanceof FingerprintFormatError) {
      throw new FingerprintFormatError(`${CERT_FINGERPRINT_ATTRIBUTE} is not a valid SHA-256 certificate fingerprint: ${error.message}`);
    }
    throw error;
  }
}
