/**
 * The machine-client binding registry in SSM, one parameter per client, read with the real AWS
 * SDK v3 client from a loopback SSM stand-in (the true edge: no AWS account here): one call per
 * client, then none for a minute; a changed entry is read after the minute; a server that never
 * answers fails within the deadline; every failure fails closed.
 */
import { lambdaCredentialsForSuite } from "../support/lambda-credentials";
import { TestServers } from "../support/test-servers";
import { MachineBindingError } from "../../handlers/lib/errors";
import { MACHINE_BINDINGS_CACHE_MILLISECONDS, parseMachineBinding, parseMachineRegistryEntry, ssmMachineBindings } from "../../handlers/lib/ssm-machine-bindings";
import { GROUP_SCOPES_FILE } from "../../handlers/lib/packaged-data";
import { packageFolder } from "../support/packaged-data";
import { SsmStandIn } from "../support/ssm-stand-in";

const PATH = "/cert-bound-api/machine-client-bindings/";
const CLIENT_A = "clientaaaaaaaaaaaaaaaaaaaaa";
const CLIENT_B = "clientbbbbbbbbbbbbbbbbbbbbb";
const CLIENT_C = "clientcccccccccccccccccccc";
const FINGERPRINT_A = "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg";
const FINGERPRINT_B = "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU";
const entry = (clientId: string, x5t: string) => JSON.stringify({ clientId, "x5t#S256": x5t });
let ssm: SsmStandIn;
let endpoint: string;
lambdaCredentialsForSuite();

beforeAll(async () => {
  ssm = new SsmStandIn("eu-west-1");
  endpoint = await ssm.listen();
});
afterAll(async () => {
  await ssm.close();
});
beforeEach(() => {
  ssm.calls = 0;
  ssm.put(`${PATH}${CLIENT_A}`, entry(CLIENT_A, FINGERPRINT_A));
  ssm.put(`${PATH}${CLIENT_B}`, entry(CLIENT_B, FINGERPRINT_B));
  ssm.delete(`${PATH}${CLIENT_C}`);
});

it("reads only the calling client's entry, once, and answers from memory for 60 s, then reads it again", async () => {
  let time = 1_000_000;
  const lookup = ssmMachineBindings({ parameterPath: PATH, endpoint, now: () => time });
  expect(await lookup(CLIENT_A)).toBe(FINGERPRINT_A);
  expect(await lookup(CLIENT_A)).toBe(FINGERPRINT_A);
  expect(ssm.calls).toBe(1);
  expect(await lookup(CLIENT_B)).toBe(FINGERPRINT_B); // its own entry, its own call
  expect(ssm.calls).toBe(2);
  ssm.put(`${PATH}${CLIENT_A}`, entry(CLIENT_A, FINGERPRINT_B));
  time += 59_999;
  expect(await lookup(CLIENT_A)).toBe(FINGERPRINT_A); // the cached minute
  expect(ssm.calls).toBe(2);
  time += 1;
  expect(await lookup(CLIENT_A)).toBe(FINGERPRINT_B); // a rotation takes effect within 60 s
  expect(ssm.calls).toBe(3);
});

it("shares one read between concurrent lookups of a client", async () => {
  const lookup = ssmMachineBindings({ parameterPath: PATH, endpoint });
  await Promise.all(Array.from({ length: 5 }, () => lookup(CLIENT_A)));
  expect(ssm.calls).toBe(1);
});

it("answers undefined for a client without an entry (the trigger refuses it), remembers that as long as an entry, then reads again", async () => {
  let time = 1_000_000;
  const lookup = ssmMachineBindings({ parameterPath: PATH, endpoint, now: () => time });
  expect(await lookup(CLIENT_C)).toBeUndefined();
  // Probing ids that have no entry costs one call each per cache period, not one per request (review finding L1).
  expect(await lookup(CLIENT_C)).toBeUndefined();
  expect(ssm.calls).toBe(1);
  ssm.put(`${PATH}clientcccccccccccccccccccc`, entry(CLIENT_C, FINGERPRINT_A));
  time += MACHINE_BINDINGS_CACHE_MILLISECONDS;
  expect(await lookup(CLIENT_C)).toBe(FINGERPRINT_A);
  expect(ssm.calls).toBe(2);
});

it("never turns an id Cognito could not issue into a parameter name", async () => {
  const lookup = ssmMachineBindings({ parameterPath: PATH, endpoint });
  // '+' is in Cognito's pattern but not in SSM parameter names: no entry can have it.
  for (const id of ["../other-stack/x", "a/b", "", "x".repeat(129), "a+b"]) expect(await lookup(id)).toBeUndefined();
  expect(ssm.calls).toBe(0);
});

it("fails closed when a request is refused (signed for another region)", async () => {
  const wrongRegion = ssmMachineBindings({ parameterPath: PATH, endpoint, region: "us-east-1" });
  await expect(wrongRegion(CLIENT_A)).rejects.toThrow(new MachineBindingError(`cannot read the machine client's registry entry ${PATH}${CLIENT_A} (InvalidSignatureException)`));
});

describe("a server that accepts the connection and never answers", () => {
  const servers = new TestServers();
  const sockets = new Set<unknown>();
  let silentEndpoint: string;
  beforeAll(async () => {
    silentEndpoint = await servers.silent((socket) => sockets.add(socket));
  });
  afterAll(() => servers.close());

  it("fails closed at the deadline, well before the trigger's 5 s Lambda timeout", async () => {
    const lookup = ssmMachineBindings({ parameterPath: PATH, endpoint: silentEndpoint });
    const started = Date.now();
    await expect(lookup(CLIENT_A)).rejects.toThrow(new MachineBindingError(`cannot read the machine client's registry entry ${PATH}${CLIENT_A} (no answer within 2000 ms)`));
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1900);
    expect(elapsed).toBeLessThan(4500);
    expect(sockets.size).toBeGreaterThan(0); // it did connect: the deadline, not a refused connection, ended it
  });
});

it.each([
  ["not JSON", "{", /not valid JSON/],
  ["a list", "[]", /must be \{"clientId"/],
  ["a number as fingerprint", JSON.stringify({ clientId: CLIENT_A, "x5t#S256": 5 }), /must be \{"clientId"/],
  ["an extra field", JSON.stringify({ clientId: CLIENT_A, "x5t#S256": FINGERPRINT_A, note: "x" }), /must be \{"clientId"/],
  ["another client's entry", entry(CLIENT_B, FINGERPRINT_A), /names another client/],
  ["a tokenEndpoint registration that is not an object", JSON.stringify({ clientId: CLIENT_A, "x5t#S256": FINGERPRINT_A, tokenEndpoint: ["tls_client_auth"] }), /must be \{"clientId"/],
  ["a repeated key within its tokenEndpoint registration", `{"clientId": "${CLIENT_A}", "x5t#S256": "${FINGERPRINT_A}", "tokenEndpoint": {"name": "a", "name": "b"}}`, /repeats the key "name"/],
  ["a repeated key", `{"clientId": "${CLIENT_A}", "x5t#S256": "${FINGERPRINT_A}", "x5t#S256": "${FINGERPRINT_B}"}`, /repeats the key "x5t#S256"/],
])("refuses an entry that is %s, without echoing it", async (_name, value, message) => {
  ssm.put(`${PATH}${CLIENT_A}`, value);
  const lookup = ssmMachineBindings({ parameterPath: PATH, endpoint });
  const failure = lookup(CLIENT_A);
  await expect(failure).rejects.toThrow(MachineBindingError);
  await expect(failure).rejects.toThrow(message);
  await expect(failure).rejects.not.toThrow(FINGERPRINT_B);
});

it("parses an entry for its client only", () => {
  expect(parseMachineBinding(entry(CLIENT_A, FINGERPRINT_A), CLIENT_A)).toBe(FINGERPRINT_A);
  // A client of the mTLS token endpoint: its registration beside the binding, which the trigger reads alone.
  const registered = JSON.stringify({ clientId: CLIENT_A, "x5t#S256": FINGERPRINT_A, tokenEndpoint: { name: "a", method: "self_signed_tls_client_auth", scopes: [] } });
  expect(parseMachineBinding(registered, CLIENT_A)).toBe(FINGERPRINT_A);
  expect(parseMachineRegistryEntry(registered, CLIENT_A)).toEqual({ x5tS256: FINGERPRINT_A, tokenEndpoint: { name: "a", method: "self_signed_tls_client_auth", scopes: [] } });
  expect(() => parseMachineBinding(entry(CLIENT_A, FINGERPRINT_A), CLIENT_B)).toThrow(MachineBindingError);
});

it("refuses a bad path, cache time or deadline when created", () => {
  expect(() => ssmMachineBindings({ parameterPath: "has space/" })).toThrow(TypeError);
  expect(() => ssmMachineBindings({ parameterPath: "/no-trailing-slash" })).toThrow(TypeError);
  expect(() => ssmMachineBindings({ parameterPath: PATH, cacheMilliseconds: -1 })).toThrow(TypeError);
  expect(() => ssmMachineBindings({ parameterPath: PATH, deadlineMilliseconds: 0 })).toThrow(TypeError);
});

it("the trigger's Lambda entry point reads MACHINE_BINDINGS_PATH (endpoint from AWS_ENDPOINT_URL_SSM, as the SDK reads it)", async () => {
  Object.assign(process.env, { MACHINE_BINDINGS_PATH: PATH, AWS_ENDPOINT_URL_SSM: endpoint });
  try {
    let fresh: typeof import("../../handlers/pre-token-generation") | undefined;
    const folder = packageFolder({ [GROUP_SCOPES_FILE]: "{}" });
    jest.isolateModules(() => {
      fresh = require("../../handlers/pre-token-generation");
      folder.remove();
    });
    const event = (clientId: string) => ({
      version: "3", triggerSource: "TokenGeneration_ClientCredentials", callerContext: { clientId },
      request: { userAttributes: {}, scopes: ["cbat/invoke"] }, response: { claimsAndScopeOverrideDetails: null },
    });
    const result = await fresh!.handler(event(CLIENT_A));
    expect(result.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride).toEqual({ cnf: { "x5t#S256": FINGERPRINT_A } });
    await fresh!.handler(event(CLIENT_A));
    expect(ssm.calls).toBe(1); // the second token used the cached entry
    await expect(fresh!.handler(event(CLIENT_C))).rejects.toThrow(/no certificate is registered/);
  } finally {
    delete process.env.MACHINE_BINDINGS_PATH;
    delete process.env.AWS_ENDPOINT_URL_SSM;
  }
});
