/**
 * Which clients' tokens the authorizer accepts when machine clients come from the registry
 * (lib/token-client.ts): the users' client and listed ids without a lookup; a registered client
 * only when bound to the certificate registered for it now; everything else refused, closed.
 */
import { AccessDeniedError } from "../../handlers/lib/errors";
import { tokenClientCheck } from "../../handlers/lib/token-client";

const USER_CLIENT = "userclient0000000000000001";
const MACHINE = "machineclient0000000000001";
const X5T = "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg";
const OTHER_X5T = "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU";
const reason = async (promise: Promise<void>) => promise.then(() => "passed", (error: unknown) => (error instanceof AccessDeniedError ? error.reason : `other: ${String(error)}`));

it("accepts the users' client and listed ids without asking the registry", async () => {
  const lookups: string[] = [];
  const check = tokenClientCheck(USER_CLIENT, ["listed"], async (id) => {
    lookups.push(id);
    return undefined;
  });
  expect(await reason(check(USER_CLIENT, X5T))).toBe("passed");
  expect(await reason(check("listed", X5T))).toBe("passed");
  expect(lookups).toEqual([]);
});

it("accepts a registered client bound to its registered certificate, and nothing else", async () => {
  const check = tokenClientCheck(USER_CLIENT, [], async (id) => (id === MACHINE ? X5T : undefined));
  expect(await reason(check(MACHINE, X5T))).toBe("passed");
  expect(await reason(check(MACHINE, OTHER_X5T))).toBe("cnf_mismatch"); // a token of a re-registered client's old certificate
  expect(await reason(check("unknownclient0000000000001", X5T))).toBe("token_invalid");
  expect(await reason(check(undefined, X5T))).toBe("token_invalid");
});

it("fails closed when the registry cannot be read or holds no fingerprint", async () => {
  expect(await reason(tokenClientCheck(USER_CLIENT, [], async () => { throw new Error("SSM down"); })(MACHINE, X5T))).toBe("config_error");
  expect(await reason(tokenClientCheck(USER_CLIENT, [], async () => "not a fingerprint")(MACHINE, X5T))).toBe("config_error");
});

it("without a registry, refuses every client but the listed ones", async () => {
  expect(await reason(tokenClientCheck(USER_CLIENT, [])(MACHINE, X5T))).toBe("token_invalid");
});

it("accepts a tls_client_auth client (registered by DN) with whichever certificate it authenticated with; cnf is checked apart", async () => {
  const check = tokenClientCheck(USER_CLIENT, [], async (id) => (id === MACHINE ? "tls_client_auth" : undefined));
  expect(await reason(check(MACHINE, X5T))).toBe("passed");
  expect(await reason(check(MACHINE, OTHER_X5T))).toBe("passed");
  expect(await reason(check("unknownclient0000000000001", X5T))).toBe("token_invalid");
});
