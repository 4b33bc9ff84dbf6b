/**
 * The machine-client binding registry in one SSM parameter (a String the stack writes from the
 * configured certificates), read once and kept for a minute: a warm trigger makes no AWS call,
 * and a changed binding takes effect within 60 s. Reading fails closed: no parameter, no
 * permission, no answer → the lookup throws and Cognito issues no token.
 *
 * The AWS SDK v3 comes with the Lambda runtime (nodejs22.x); the bundle leaves it out and
 * loads it on the first machine token only, so handlers that never see one never load it.
 */
import type { GetParameterCommand as GetParameterCommandType, SSMClient as SSMClientType } from "@aws-sdk/client-ssm";
import { MachineBindingError } from "./errors";
import { parseMachineBindings, type MachineBindingLookup } from "./machine-bindings";

/** How long a read registry is used before it is read again. */
export const MACHINE_BINDINGS_CACHE_MILLISECONDS = 60_000;

export interface SsmMachineBindingsOptions {
  /** Name of the String parameter, e.g. `/cert-bound-api/machine-client-bindings`. */
  readonly parameterName: string;
  /** @default 60000 (MACHINE_BINDINGS_CACHE_MILLISECONDS) */
  readonly cacheMilliseconds?: number;
  /** SSM endpoint override (a loopback stand-in in tests). @default the region's endpoint */
  readonly endpoint?: string;
  /** @default the SDK's (AWS_REGION in Lambda) */
  readonly region?: string;
  /** Milliseconds clock. @default Date.now */
  readonly now?: () => number;
}

type Registry = ReadonlyMap<string, string>;

/** A lookup backed by the SSM parameter, cached for `cacheMilliseconds`. */
export function ssmMachineBindings(options: SsmMachineBindingsOptions): MachineBindingLookup {
  const { parameterName, cacheMilliseconds = MACHINE_BINDINGS_CACHE_MILLISECONDS, now = Date.now } = options;
  if (typeof parameterName !== "string" || !/^\/?[A-Za-z0-9_.\-/]{1,1011}$/.test(parameterName)) {
    throw new TypeError("ssmMachineBindings: parameterName must be an SSM parameter name such as /cert-bound-api/machine-client-bindings");
  }
  if (!Number.isInteger(cacheMilliseconds) || cacheMilliseconds < 0) throw new TypeError("ssmMachineBindings: cacheMilliseconds must be a non-negative integer");
  let client: { ssm: SSMClientType; GetParameterCommand: typeof GetParameterCommandType } | undefined;
  let cached: { readonly expires: number; readonly registry: Registry } | undefined;
  let reading: Promise<Registry> | undefined;

  const read = async (): Promise<Registry> => {
    if (!client) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const sdk = require("@aws-sdk/client-ssm") as typeof import("@aws-sdk/client-ssm");
      client = {
        ssm: new sdk.SSMClient({ region: options.region, endpoint: options.endpoint, maxAttempts: 2, requestHandler: { connectionTimeout: 1000, requestTimeout: 1500 } }),
        GetParameterCommand: sdk.GetParameterCommand,
      };
    }
    let value: string | undefined;
    try {
      value = (await client.ssm.send(new client.GetParameterCommand({ Name: parameterName }))).Parameter?.Value;
    } catch (error) {
      // The SDK's error name (ParameterNotFound, AccessDeniedException, …) says what to fix; no value is involved.
      throw new MachineBindingError(`cannot read the machine-client binding registry ${parameterName} (${(error as Error).name})`);
    }
    if (value === undefined) throw new MachineBindingError(`the machine-client binding registry ${parameterName} has no value`);
    return parseMachineBindings(value);
  };

  return async (clientId) => {
    const time = now();
    if (!cached || time >= cached.expires) {
      reading ??= read().finally(() => {
        reading = undefined;
      });
      cached = { expires: time + cacheMilliseconds, registry: await reading };
    }
    return cached.registry.get(clientId);
  };
}
