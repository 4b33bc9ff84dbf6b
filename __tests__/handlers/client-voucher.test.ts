/**
 * The trigger's side of tls_client_auth: a client-credentials token for a client registered as
 * `tls_client_auth` is bound to the thumbprint of a genuine, fresh voucher for that client, and to
 * nothing else: a missing, forged, replayed (> 60 s) or other-client voucher gets no token.
 * Pinned clients keep their registered certificate whatever metadata they send.
 */
import { randomBytes } from "node:crypto";
import { createPreTokenGenerationHandler, type PreTokenGenerationV2Event } from "../../handlers/pre-token-generation";
import { hmacVoucherMac, issueVoucher, TLS_CLIENT_AUTH_BINDING, VOUCHER_METADATA_KEY, verifiedVoucherThumbprint } from "../../handlers/lib/client-voucher";
import { VoucherError } from "../../handlers/lib/errors";

const TLS_CLIENT = "6k2q7mbl0s5j3vcf1r8d4hn9pa";
const OTHER_TLS_CLIENT = "1a2b3c4d5e6f7g8h9i0j1k2l3m";
const PINNED_CLIENT = "3n4b5urk1ft4fl3mg5e62d9ado";
const PRESENTED = randomBytes(32).toString("base64url");
const PINNED = randomBytes(32).toString("base64url");
const mac = hmacVoucherMac(randomBytes(32));
const registry = new Map([[TLS_CLIENT, TLS_CLIENT_AUTH_BINDING], [OTHER_TLS_CLIENT, TLS_CLIENT_AUTH_BINDING], [PINNED_CLIENT, PINNED]]);
const trigger = createPreTokenGenerationHandler({ machineBindings: async (id) => registry.get(id), voucherMac: mac });

function event(clientId: string, voucher?: unknown): PreTokenGenerationV2Event {
  return {
    version: "3",
    triggerSource: "TokenGeneration_ClientCredentials",
    callerContext: { clientId },
    request: { userAttributes: {}, scopes: ["cbat/invoke"], ...(voucher === undefined ? {} : { clientMetadata: { [VOUCHER_METADATA_KEY]: voucher } }) },
    response: { claimsAndScopeOverrideDetails: null },
  };
}
const cnfOf = (result: PreTokenGenerationV2Event) => (result.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride as any)?.cnf;
const now = () => Date.now() / 1000;

describe("the trigger and vouchers", () => {
  test("a genuine fresh voucher binds the token to the vouched certificate", async () => {
    const voucher = await issueVoucher(mac, TLS_CLIENT, PRESENTED, now());
    expect(cnfOf(await trigger(event(TLS_CLIENT, voucher)))).toEqual({ "x5t#S256": PRESENTED });
  });

  test("a tls_client_auth client without a voucher gets no token", async () => {
    await expect(trigger(event(TLS_CLIENT))).rejects.toThrow(VoucherError);
    await expect(trigger(event(TLS_CLIENT, ""))).rejects.toThrow(/no voucher/);
  });

  test("a forged voucher (another key, an altered thumbprint, a malformed one) gets no token", async () => {
    const forged = await issueVoucher(hmacVoucherMac(randomBytes(32)), TLS_CLIENT, PRESENTED, now());
    await expect(trigger(event(TLS_CLIENT, forged))).rejects.toThrow(/does not verify/);
    const genuine = await issueVoucher(mac, TLS_CLIENT, PRESENTED, now());
    const [v, t, , m] = genuine.split(".");
    await expect(trigger(event(TLS_CLIENT, [v, t, PINNED, m].join(".")))).rejects.toThrow(/does not verify/);
    await expect(trigger(event(TLS_CLIENT, [v, String(Number(t) + 1), PRESENTED, m].join(".")))).rejects.toThrow(/does not verify/);
    for (const malformed of ["v1", { voucher: genuine }, genuine + ".x", "v2" + genuine.slice(2)]) {
      await expect(trigger(event(TLS_CLIENT, malformed))).rejects.toThrow(/malformed/);
    }
  });

  test("a voucher older than 60 s (a replay) or dated ahead gets no token", async () => {
    const old = await issueVoucher(mac, TLS_CLIENT, PRESENTED, now() - 61);
    await expect(trigger(event(TLS_CLIENT, old))).rejects.toThrow(/old; at most 60 s/);
    const ahead = await issueVoucher(mac, TLS_CLIENT, PRESENTED, now() + 30);
    await expect(trigger(event(TLS_CLIENT, ahead))).rejects.toThrow(/future/);
    const borderline = await issueVoucher(mac, TLS_CLIENT, PRESENTED, 1_000_000);
    await expect(verifiedVoucherThumbprint(mac, borderline, TLS_CLIENT, 1_000_060)).resolves.toBe(PRESENTED);
    await expect(verifiedVoucherThumbprint(mac, borderline, TLS_CLIENT, 1_000_061)).rejects.toThrow(VoucherError);
  });

  test("another client's voucher gets no token", async () => {
    const others = await issueVoucher(mac, OTHER_TLS_CLIENT, PRESENTED, now());
    await expect(trigger(event(TLS_CLIENT, others))).rejects.toThrow(/does not verify for this client/);
  });

  test("without a voucher key the trigger refuses tls_client_auth clients (fail closed)", async () => {
    const keyless = createPreTokenGenerationHandler({ machineBindings: async (id) => registry.get(id) });
    const voucher = await issueVoucher(mac, TLS_CLIENT, PRESENTED, now());
    await expect(keyless(event(TLS_CLIENT, voucher))).rejects.toThrow(/VOUCHER_KEY_ID/);
  });

  test("a pinned client keeps its registered certificate, voucher or not", async () => {
    expect(cnfOf(await trigger(event(PINNED_CLIENT)))).toEqual({ "x5t#S256": PINNED });
    const voucher = await issueVoucher(mac, PINNED_CLIENT, PRESENTED, now());
    expect(cnfOf(await trigger(event(PINNED_CLIENT, voucher)))).toEqual({ "x5t#S256": PINNED });
  });

  test("an HMAC key under 32 bytes is refused", () => {
    expect(() => hmacVoucherMac(randomBytes(16))).toThrow(/32 random bytes/);
  });
});
