/**
 * The voucher MAC on AWS: a KMS HMAC_256 key (key material never leaves KMS). The token function's
 * role may call kms:GenerateMac on it and the trigger's kms:VerifyMac, nothing else, so neither a
 * client nor anyone with the app client's secret can make a voucher. One KMS call per token issued
 * and per token checked (KMS: GenerateMac/VerifyMac, HMAC_SHA_256).
 *
 * The AWS SDK v3 comes with the Lambda runtime (nodejs22.x); the bundle leaves the KMS client out
 * and loads it on first use.
 */
import type { KMSClient as KMSClientType } from "@aws-sdk/client-kms";
import type { VoucherMac } from "./client-voucher";
import { withDeadline } from "./deadline";

/**
 * Each KMS call, retry included, ends within this. The SDK's requestTimeout alone only logs a
 * warning (@smithy/node-http-handler without throwOnRequestTimeout); the AbortSignal ends it. The
 * trigger must answer Cognito within 5 s after its registry read (2 s), and the token function
 * (20 s) still has the secret read and Cognito's answer to wait for.
 */
export const KMS_DEADLINE_MILLISECONDS = 2_000;

export interface KmsVoucherMacOptions {
  /** Key id or ARN of the HMAC_256 key. */
  readonly keyId: string;
  /** KMS endpoint override (a stand-in in tests). @default the region's */
  readonly endpoint?: string;
  readonly region?: string;
  /** @default 2000 (KMS_DEADLINE_MILLISECONDS) */
  readonly deadlineMilliseconds?: number;
}

const MAC_ALGORITHM = "HMAC_SHA_256";

export function kmsVoucherMac(options: KmsVoucherMacOptions): VoucherMac {
  if (typeof options?.keyId !== "string" || !/^[A-Za-z0-9:/_.-]{1,2048}$/.test(options.keyId)) throw new TypeError("kmsVoucherMac: keyId must be a KMS key id or ARN");
  const deadlineMilliseconds = options.deadlineMilliseconds ?? KMS_DEADLINE_MILLISECONDS;
  if (!Number.isInteger(deadlineMilliseconds) || deadlineMilliseconds < 1) throw new TypeError("kmsVoucherMac: deadlineMilliseconds must be a positive integer");
  let loaded: { kms: KMSClientType; sdk: typeof import("@aws-sdk/client-kms") } | undefined;
  const client = () => {
    if (!loaded) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const sdk = require("@aws-sdk/client-kms") as typeof import("@aws-sdk/client-kms");
      loaded = { sdk, kms: new sdk.KMSClient({ region: options.region, endpoint: options.endpoint, maxAttempts: 2, requestHandler: { connectionTimeout: 1000, requestTimeout: 1500, throwOnRequestTimeout: true } }) };
    }
    return loaded;
  };
  return {
    async generate(message) {
      const { kms, sdk } = client();
      const { Mac } = await withDeadline(deadlineMilliseconds, "KMS GenerateMac", (abortSignal) =>
        kms.send(new sdk.GenerateMacCommand({ KeyId: options.keyId, Message: message, MacAlgorithm: MAC_ALGORITHM }), { abortSignal }));
      if (!Mac) throw new Error("KMS GenerateMac returned no MAC");
      return Mac;
    },
    async verify(message, mac) {
      const { kms, sdk } = client();
      try {
        const { MacValid } = await withDeadline(deadlineMilliseconds, "KMS VerifyMac", (abortSignal) =>
          kms.send(new sdk.VerifyMacCommand({ KeyId: options.keyId, Message: message, Mac: mac, MacAlgorithm: MAC_ALGORITHM }), { abortSignal }));
        return MacValid === true;
      } catch (error) {
        // KMS answers a wrong MAC with KMSInvalidMacException; anything else (no permission, no key) is not a verdict.
        if ((error as Error).name === "KMSInvalidMacException") return false;
        throw error;
      }
    },
  };
}
