/**
 * The machine-client binding registry in SSM: one String parameter per client,
 * `<path><client id>` = `{"clientId": "<id>", "x5t#S256": "<thumbprint>"}`, written by the
 * stack from the configured certificates (stacks/machine-clients.ts); a client of the mTLS token
 * endpoint has its registration there too (`"tokenEndpoint": {…}`). The trigger reads only
 * the calling client's entry, once a minute at most: a warm call makes no AWS call, the first
 * token of each of N clients costs one GetParameter, and a changed binding takes effect within
 * 60 s. Each entry is far below the 4 KB of a Standard parameter, whatever the number of clients.
 *
 * Reading fails closed: no entry (the trigger then refuses the client), no permission, no
 * answer within the deadline, a value for another client, duplicate keys → the lookup throws
 * and Cognito issues no token.
 *
 * The AWS SDK v3 comes with the Lambda runtime (nodejs22.x); the bundle leaves it out and
 * loads it on the first machine token only, so handlers that never see one never load it.
 */
import type { GetParameterCommand as GetParameterCommandType, SSMClient as SSMClientType } from "@aws-sdk/client-ssm";
import { MachineBindingError } from "./errors";
import { findDuplicateKey } from "./json-duplicate-keys";
import type { MachineBindingLookup } from "./machine-bindings";

/** How long a read entry is used before it is read again. */
export const MACHINE_BINDINGS_CACHE_MILLISECONDS = 60_000;
/**
 * The whole read, retry included, must end within this: the trigger's Lambda timeout is 5 s,
 * and Cognito waits 5 s for a trigger. The SDK's requestTimeout alone only logs a warning
 * (@smithy/node-http-handler without throwOnRequestTimeout); an AbortSignal really ends it.
 */
export const MACHINE_BINDINGS_DEADLINE_MILLISECONDS = 2_000;

/**
 * Registry entries are named by client id, and SSM parameter names take letters, digits and
 * `_.-/` only: an id with another character (Cognito's pattern allows '+') has no entry, and is
 * answered without a call (a ValidationException would read as a registry fault).
 */
const CLIENT_ID = /^\w{1,128}$/;
/** Ids found absent are remembered as long as entries, up to this many: probing ids costs no SSM calls. */
const MAX_ABSENT_REMEMBERED = 10_000;

export interface SsmMachineBindingsOptions {
  /** The registry's path, ending in '/', e.g. `/cert-bound-api/machine-client-bindings/`. */
  readonly parameterPath: string;
  /** @default 60000 (MACHINE_BINDINGS_CACHE_MILLISECONDS) */
  readonly cacheMilliseconds?: number;
  /** @default 2000 (MACHINE_BINDINGS_DEADLINE_MILLISECONDS) */
  readonly deadlineMilliseconds?: number;
  /** SSM endpoint override (a loopback stand-in in tests). @default the region's endpoint */
  readonly endpoint?: string;
  /** @default the SDK's (AWS_REGION in Lambda) */
  readonly region?: string;
  /** Milliseconds clock. @default Date.now */
  readonly now?: () => number;
}

/**
 * One client's registry value: its binding, and for a client that names a tokenEndpointAuthMethod
 * its registration at the mTLS token endpoint (checked by lib/token-clients.ts, which reads it).
 */
export interface MachineRegistryEntry {
  /** The x5t#S256 the trigger binds (or the tls_client_auth marker). */
  readonly x5tS256: string;
  /** `{"name", "method", "subjectDn"?, "issuerDn"?, "scopes"}`: only clients the token endpoint serves. */
  readonly tokenEndpoint?: Readonly<Record<string, unknown>>;
}

/** The calling client's registry entry; undefined when it has none (not a machine client of this stack). */
export type MachineRegistryLookup = (clientId: string) => Promise<MachineRegistryEntry | undefined>;

/**
 * One client's registry value.
 * @throws MachineBindingError when it is not `{"clientId": <this client>, "x5t#S256": "<string>"}`
 * exactly, with at most a `tokenEndpoint` object besides, or repeats a key at any depth (JSON.parse
 * would keep the last one silently). Never echoes the value.
 */
export function parseMachineRegistryEntry(text: string, clientId: string): MachineRegistryEntry {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new MachineBindingError("the machine client's registry entry is not valid JSON");
  }
  const shape = 'the machine client\'s registry entry must be {"clientId": "<its id>", "x5t#S256": "<thumbprint>"} (and "tokenEndpoint": {…} for a client of the mTLS token endpoint)';
  if (!isPlainObject(parsed)) throw new MachineBindingError(shape);
  const duplicate = findDuplicateKey(text);
  if (duplicate) throw new MachineBindingError(`the machine client's registry entry repeats the key ${JSON.stringify(duplicate.key.slice(0, 40))}; refused rather than guess which one holds`);
  const keys = Object.keys(parsed).sort().join(",");
  if ((keys !== "clientId,x5t#S256" && keys !== "clientId,tokenEndpoint,x5t#S256") || typeof parsed["x5t#S256"] !== "string") throw new MachineBindingError(shape);
  if (keys.includes("tokenEndpoint") && !isPlainObject(parsed.tokenEndpoint)) throw new MachineBindingError(shape);
  if (parsed.clientId !== clientId) throw new MachineBindingError("the machine client's registry entry names another client; refused");
  return parsed.tokenEndpoint === undefined ? { x5tS256: parsed["x5t#S256"] } : { x5tS256: parsed["x5t#S256"], tokenEndpoint: parsed.tokenEndpoint as Record<string, unknown> };
}

/** The fingerprint in one client's registry value. @throws MachineBindingError as parseMachineRegistryEntry */
export function parseMachineBinding(text: string, clientId: string): string {
  return parseMachineRegistryEntry(text, clientId).x5tS256;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A lookup of the binding in `<parameterPath><client id>`, cached per client (ssmMachineRegistry). */
export function ssmMachineBindings(options: SsmMachineBindingsOptions): MachineBindingLookup {
  const registry = ssmMachineRegistry(options);
  return async (clientId) => (await registry(clientId))?.x5tS256;
}

/**
 * A lookup of the whole entry in `<parameterPath><client id>`, cached per client for
 * `cacheMilliseconds`: the trigger and the authorizer take its binding (ssmMachineBindings), the
 * mTLS token endpoint its registration (lib/token-clients.ts). While cached, the same object is returned.
 */
export function ssmMachineRegistry(options: SsmMachineBindingsOptions): MachineRegistryLookup {
  const {
    parameterPath, cacheMilliseconds = MACHINE_BINDINGS_CACHE_MILLISECONDS, deadlineMilliseconds = MACHINE_BINDINGS_DEADLINE_MILLISECONDS, now = Date.now,
  } = options;
  if (typeof parameterPath !== "string" || !/^\/[A-Za-z0-9_.\-/]{1,880}\/$/.test(parameterPath)) {
    throw new TypeError("ssmMachineBindings: parameterPath must be an SSM path ending in '/', such as /cert-bound-api/machine-client-bindings/");
  }
  if (!Number.isInteger(cacheMilliseconds) || cacheMilliseconds < 0) throw new TypeError("ssmMachineBindings: cacheMilliseconds must be a non-negative integer");
  if (!Number.isInteger(deadlineMilliseconds) || deadlineMilliseconds < 1) throw new TypeError("ssmMachineBindings: deadlineMilliseconds must be a positive integer");
  let client: { ssm: SSMClientType; GetParameterCommand: typeof GetParameterCommandType } | undefined;
  const cached = new Map<string, { readonly expires: number; readonly entry: MachineRegistryEntry }>();
  const absent = new Map<string, number>(); // client id → until when it is known to have no entry
  const reading = new Map<string, Promise<MachineRegistryEntry | undefined>>();

  /** The client's entry; undefined when it has none (not a machine client of this stack). */
  const read = async (clientId: string): Promise<MachineRegistryEntry | undefined> => {
    if (!client) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const sdk = require("@aws-sdk/client-ssm") as typeof import("@aws-sdk/client-ssm");
      client = {
        ssm: new sdk.SSMClient({
          region: options.region,
          endpoint: options.endpoint,
          maxAttempts: 2,
          requestHandler: { connectionTimeout: 1000, requestTimeout: 1500, throwOnRequestTimeout: true },
        }),
        GetParameterCommand: sdk.GetParameterCommand,
      };
    }
    const name = `${parameterPath}${clientId}`;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), deadlineMilliseconds);
    timer.unref?.();
    let value: string | undefined;
    try {
      value = (await client.ssm.send(new client.GetParameterCommand({ Name: name }), { abortSignal: deadline.signal })).Parameter?.Value;
    } catch (error) {
      if (!deadline.signal.aborted && (error as Error).name === "ParameterNotFound") return undefined;
      // The SDK's error name (ParameterNotFound, AccessDeniedException, …) says what to fix; no value is involved.
      const why = deadline.signal.aborted ? `no answer within ${deadlineMilliseconds} ms` : (error as Error).name;
      throw new MachineBindingError(`cannot read the machine client's registry entry ${name} (${why})`);
    } finally {
      clearTimeout(timer);
    }
    if (value === undefined) throw new MachineBindingError(`the machine client's registry entry ${name} has no value`);
    return parseMachineRegistryEntry(value, clientId);
  };

  return async (clientId) => {
    // An id Cognito could not have issued never becomes a parameter name.
    if (typeof clientId !== "string" || !CLIENT_ID.test(clientId)) return undefined;
    const time = now();
    const hit = cached.get(clientId);
    if (hit && time < hit.expires) return hit.entry;
    if ((absent.get(clientId) ?? 0) > time) return undefined;
    let pending = reading.get(clientId);
    if (!pending) {
      pending = read(clientId).finally(() => reading.delete(clientId));
      reading.set(clientId, pending);
    }
    const entry = await pending;
    if (entry !== undefined) {
      cached.set(clientId, { expires: time + cacheMilliseconds, entry });
      absent.delete(clientId);
    } else if (cacheMilliseconds > 0) {
      if (absent.size >= MAX_ABSENT_REMEMBERED) absent.delete(absent.keys().next().value as string);
      absent.set(clientId, time + cacheMilliseconds);
    }
    return entry;
  };
}
