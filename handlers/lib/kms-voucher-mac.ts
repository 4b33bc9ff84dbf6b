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

export interface KmsVoucherMacOptions {
  /** Key id or ARN of the HMAC_256 key. */
  readonly keyId: string;
  /** KMS endpoint override (a stand-in in tests). @default the region's */
  readonly endpoint?: string;
  readonly region?: string;
}

const MAC_ALGORITHM = "HMAC_SHA_256";

export function kmsVoucherMac(options: KmsVoucherMacOptions): VoucherMac {
  if (typeof options?.keyId !== "string" || !/^[A-Za-z0-9:/_.-]{1,2048}$/.test(options.keyId)) throw new TypeError("kmsVoucherMac: keyId must be a KMS key id or ARN");
  let loaded: { kms: KMSClientType; sdk: typeof import("@aws-sdk/client-kms") } | undefined;
  const client = () => {
    if (!loaded) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const sdk = require("@aws-sdk/client-kms") as typeof import("@aws-sdk/client-kms");
      loaded = { sdk, kms: new sdk.KMSClient({ region: options.region, endpoint: options.endpoint, maxAttempts: 2, requestHandler: { connectionTimeout: 1000, requestTimeout: 1500 } }) };
    }
    return loaded;
  };
  return {
    async generate(message) {
      const { kms, sdk } = client();
      const { Mac } = await kms.send(new sdk.GenerateMacCommand({ KeyId: options.keyId, Message: message, MacAlgorithm: MAC_ALGORITHM }));
      if (!Mac) throw new Error("KMS GenerateMac returned no MAC");
      return Mac;
    },
    async verify(message, mac) {
      const { kms, sdk } = client();
      try {
        const { MacValid } = await kms.send(new sdk.VerifyMacCommand({ KeyId: options.keyId, Message: message, Mac: mac, MacAlgorithm: MAC_ALGORITHM }));
        return MacValid === true;
      } catch (error) {
        // KMS answers a wrong MAC with KMSInvalidMacException; anything else (no permission, no key) is not a verdict.
        if ((error as Error).name === "KMSInvalidMacException") return false;
        throw error;
      }
    },
  };
}
