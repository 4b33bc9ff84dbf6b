/**
 * The voucher: how the token function tells the pre token generation trigger which certificate
 * authenticated a `tls_client_auth` client (RFC 8705 §2.1). Cognito passes the token request's
 * `aws_client_metadata` to the trigger as `request.clientMetadata`, but anyone holding the app
 * client's secret could send metadata of their own; so the token function sends a MAC over
 * (client id, x5t#S256, time), and the trigger binds the token to that thumbprint only when the
 * MAC verifies for the calling client and is at most 60 s old. The MAC key is a KMS HMAC key on
 * AWS (the token function may only generate, the trigger only verify: kms-voucher-mac.ts) and an
 * in-memory HMAC key locally.
 *
 * Voucher text: `v1.<issued at, epoch seconds>.<x5t#S256>.<base64url MAC>`. The MAC covers the
 * client id too, which the voucher does not carry: a voucher for one client fails for another.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { VoucherError } from "./errors";

/** The key of `aws_client_metadata` (and so of the trigger's `clientMetadata`) that carries the voucher. */
export const VOUCHER_METADATA_KEY = "cbat_voucher";
/** A voucher older than this is refused (a replay). */
export const VOUCHER_MAX_AGE_SECONDS = 60;
/** Clock skew tolerated for a voucher dated in the future (the token function and the trigger are different hosts). */
const FUTURE_SKEW_SECONDS = 5;

/** What the registry stores for a `tls_client_auth` client: its binding comes from a voucher, not a pinned certificate. */
export const TLS_CLIENT_AUTH_BINDING = "tls_client_auth";

/** Generates and checks MACs of voucher messages with a key neither the client nor the caller of Cognito holds. */
export interface VoucherMac {
  generate(message: Uint8Array): Promise<Uint8Array>;
  /** true only for a MAC of `message` under the key; never throws for a wrong MAC. */
  verify(message: Uint8Array, mac: Uint8Array): Promise<boolean>;
}

/** HMAC-SHA-256 with a key in memory (`npm run local`, tests). @throws TypeError for a key under 32 bytes */
export function hmacVoucherMac(key: Uint8Array): VoucherMac {
  if (!(key instanceof Uint8Array) || key.byteLength < 32) throw new TypeError("hmacVoucherMac: the key must be at least 32 random bytes");
  const mac = (message: Uint8Array) => createHmac("sha256", key).update(message).digest();
  return {
    generate: async (message) => mac(message),
    verify: async (message, candidate) => {
      const expected = mac(message);
      return candidate.byteLength === expected.byteLength && timingSafeEqual(candidate, expected);
    },
  };
}

const X5T = /^[A-Za-z0-9_-]{43}$/;
const VOUCHER = /^v1\.(\d{1,12})\.([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{16,128})$/;

function message(clientId: string, x5tS256: string, issuedAt: number): Uint8Array {
  return Buffer.from(`cbat-voucher/v1\n${clientId}\n${x5tS256}\n${issuedAt}`, "utf8");
}

/** A voucher for `clientId` authenticated by the certificate `x5tS256`, dated `nowSeconds`. */
export async function issueVoucher(mac: VoucherMac, clientId: string, x5tS256: string, nowSeconds: number): Promise<string> {
  if (!X5T.test(x5tS256)) throw new TypeError("issueVoucher: x5tS256 must be a base64url SHA-256 thumbprint");
  const issuedAt = Math.floor(nowSeconds);
  const tag = await mac.generate(message(clientId, x5tS256, issuedAt));
  return `v1.${issuedAt}.${x5tS256}.${Buffer.from(tag).toString("base64url")}`;
}

/**
 * The thumbprint a voucher vouches for, when it is genuine, for `clientId` and fresh.
 * @throws VoucherError (missing, malformed, expired, dated ahead, or a MAC that does not verify); the message never repeats the voucher
 */
export async function verifiedVoucherThumbprint(mac: VoucherMac, voucher: unknown, clientId: string, nowSeconds: number): Promise<string> {
  if (voucher === undefined || voucher === null || voucher === "") throw new VoucherError("no voucher: a tls_client_auth client gets tokens only through the stack's mTLS token endpoint (POST /oauth2/token)");
  const parts = typeof voucher === "string" ? VOUCHER.exec(voucher) : null;
  if (!parts) throw new VoucherError("the voucher is malformed");
  const issuedAt = Number(parts[1]);
  const age = nowSeconds - issuedAt;
  if (age > VOUCHER_MAX_AGE_SECONDS) throw new VoucherError(`the voucher is ${Math.floor(age)} s old; at most ${VOUCHER_MAX_AGE_SECONDS} s`);
  if (age < -FUTURE_SKEW_SECONDS) throw new VoucherError("the voucher is dated in the future");
  const valid = await mac.verify(message(clientId, parts[2], issuedAt), Buffer.from(parts[3], "base64url"));
  if (!valid) throw new VoucherError("the voucher does not verify for this client");
  return parts[2];
}

/** The voucher in a trigger event's `request.clientMetadata`, or undefined. */
export function voucherOfEvent(request: unknown): unknown {
  const metadata = request !== null && typeof request === "object" ? (request as { clientMetadata?: unknown }).clientMetadata : undefined;
  return metadata !== null && typeof metadata === "object" ? (metadata as Record<string, unknown>)[VOUCHER_METADATA_KEY] : undefined;
}

/**
 * The trigger's side for a `tls_client_auth` client: the thumbprint of the voucher in the event,
 * verified for the calling client. Fails closed: no MAC configured, or no genuine fresh voucher.
 * @throws VoucherError
 */
export async function thumbprintOfVoucher(mac: VoucherMac | undefined, request: unknown, clientId: string, nowSeconds = Date.now() / 1000): Promise<string> {
  if (!mac) throw new VoucherError("this machine client uses tls_client_auth but the trigger has no voucher key (VOUCHER_KEY_ID)");
  return verifiedVoucherThumbprint(mac, voucherOfEvent(request), clientId, nowSeconds);
}
