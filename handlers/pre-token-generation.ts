/**
 * Cognito pre token generation trigger (event version V2_0): binds the access token
 * to the user's client certificate by adding `cnf: {"x5t#S256": …}` (RFC 8705 §3.1),
 * taken from the `custom:cert_fingerprint` attribute in the event. No AWS API call.
 *
 * Fails closed: without a valid fingerprint it throws, and Cognito issues no tokens at
 * all, rather than an unbound token that would work with any trusted certificate.
 */
import { FingerprintFormatError, FingerprintMissingError } from "./lib/errors";
import { normalizeFingerprint } from "./lib/thumbprint";

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

export const handler = async (event: PreTokenGenerationV2Event): Promise<PreTokenGenerationV2Event> => {
  if (!event || typeof event !== "object" || !event.request || typeof event.request !== "object") {
    throw new Error("pre token generation: malformed event");
  }
  if (event.version !== undefined && !ACCESS_TOKEN_EVENT_VERSIONS.has(String(event.version))) {
    throw new Error(
      `pre token generation: event version ${String(event.version).slice(0, 8)} cannot customise access tokens; configure the trigger with lambda_version V2_0`,
    );
  }
  const cnf = { "x5t#S256": boundThumbprint(event.request.userAttributes) };

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
        // A suppressed cnf would issue an unbound token.
        ...(access.claimsToSuppress ? { claimsToSuppress: access.claimsToSuppress.filter((c) => c !== "cnf") } : {}),
      },
    },
  };
  return event;
};

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
