/**
 * The machine clients' Cognito app client secrets, which only the token function may read: one
 * SSM SecureString parameter per client, `<prefix><client name>` (the stack writes them from the
 * app clients; the function's role may call ssm:GetParameter on exactly those ARNs). Each secret
 * is read once and kept in memory for 15 minutes. A secret is never logged or put in an error.
 *
 * The SSM client comes with the Lambda runtime (the bundle leaves it out).
 */
import type { SSMClient as SSMClientType } from "@aws-sdk/client-ssm";
import { DeadlineError, withDeadline } from "./deadline";

/** Client name → its secret. */
export type ClientSecretLookup = (clientName: string) => Promise<string>;

export const CLIENT_SECRET_CACHE_MILLISECONDS = 15 * 60_000;

/**
 * The read, retry included, ends within this, so a stalled SSM connection gets the client an
 * RFC 6749 error from the token function (20 s) instead of a gateway timeout. The SDK's
 * requestTimeout alone only logs a warning (no throwOnRequestTimeout); the AbortSignal ends it.
 */
export const CLIENT_SECRET_DEADLINE_MILLISECONDS = 2_000;

export class ClientSecretError extends Error {}

export interface SsmClientSecretsOptions {
  /** e.g. `/cert-bound-api/token-endpoint/client-secret/` */
  readonly parameterPrefix: string;
  readonly endpoint?: string;
  readonly region?: string;
  readonly now?: () => number;
  /** @default 2000 (CLIENT_SECRET_DEADLINE_MILLISECONDS) */
  readonly deadlineMilliseconds?: number;
}

export function ssmClientSecrets(options: SsmClientSecretsOptions): ClientSecretLookup {
  const { parameterPrefix, now = Date.now, deadlineMilliseconds = CLIENT_SECRET_DEADLINE_MILLISECONDS } = options;
  if (typeof parameterPrefix !== "string" || !/^\/[A-Za-z0-9_.\-/]{1,900}\/$/.test(parameterPrefix)) {
    throw new TypeError("ssmClientSecrets: parameterPrefix must be an SSM path ending in '/', such as /cert-bound-api/token-endpoint/client-secret/");
  }
  if (!Number.isInteger(deadlineMilliseconds) || deadlineMilliseconds < 1) throw new TypeError("ssmClientSecrets: deadlineMilliseconds must be a positive integer");
  let ssm: { client: SSMClientType; sdk: typeof import("@aws-sdk/client-ssm") } | undefined;
  const cache = new Map<string, { readonly expires: number; readonly secret: string }>();
  return async (clientName) => {
    const cached = cache.get(clientName);
    if (cached && now() < cached.expires) return cached.secret;
    if (!ssm) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const sdk = require("@aws-sdk/client-ssm") as typeof import("@aws-sdk/client-ssm");
      ssm = { sdk, client: new sdk.SSMClient({ region: options.region, endpoint: options.endpoint, maxAttempts: 2, requestHandler: { connectionTimeout: 1000, requestTimeout: 1500, throwOnRequestTimeout: true } }) };
    }
    const name = `${parameterPrefix}${clientName}`;
    let secret: string | undefined;
    try {
      const { client, sdk } = ssm;
      secret = (await withDeadline(deadlineMilliseconds, "SSM GetParameter", (abortSignal) =>
        client.send(new sdk.GetParameterCommand({ Name: name, WithDecryption: true }), { abortSignal }))).Parameter?.Value;
    } catch (error) {
      const why = error instanceof DeadlineError ? `no answer within ${deadlineMilliseconds} ms` : (error as Error).name;
      throw new ClientSecretError(`cannot read the client secret parameter ${name} (${why})`);
    }
    if (!secret) throw new ClientSecretError(`the client secret parameter ${name} has no value`);
    cache.set(clientName, { expires: now() + CLIENT_SECRET_CACHE_MILLISECONDS, secret });
    return secret;
  };
}
