/**
 * The certificates registered for machine clients (OAuth client_credentials): client id →
 * x5t#S256. Cognito's client-credentials trigger event carries no user attributes, so the
 * binding lives outside the pool: on AWS in one SSM parameter per client the stack writes
 * (`{"clientId": …, "x5t#S256": …}`, see ssm-machine-bindings.ts); `npm run local` passes a
 * lookup of its own (a JSON file `{"<client id>": "<x5t#S256>", …}`, parsed here). Either way the
 * trigger asks a MachineBindingLookup.
 */
import { MachineBindingError } from "./errors";

/** The registered x5t#S256 (any accepted fingerprint form) of a client, or undefined when it has none. */
export type MachineBindingLookup = (clientId: string) => Promise<string | undefined>;

/** Cognito app client ids: 1-128 word characters or '+'. */
const CLIENT_ID = /^[\w+]{1,128}$/;

/**
 * The registry from its JSON text. Values are normalised later, when a token is issued, so
 * one malformed entry fails that client alone (closed), not every other one.
 * @throws MachineBindingError when the text is not a JSON object of client id → string
 */
export function parseMachineBindings(text: string): ReadonlyMap<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new MachineBindingError("the machine-client binding registry is not valid JSON");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new MachineBindingError('the machine-client binding registry must be a JSON object {"<client id>": "<x5t#S256>"}');
  }
  const bindings = new Map<string, string>();
  for (const [clientId, fingerprint] of Object.entries(parsed)) {
    if (!CLIENT_ID.test(clientId) || typeof fingerprint !== "string") {
      throw new MachineBindingError('the machine-client binding registry must map app client ids to fingerprint strings {"<client id>": "<x5t#S256>"}');
    }
    bindings.set(clientId, fingerprint);
  }
  return bindings;
}
