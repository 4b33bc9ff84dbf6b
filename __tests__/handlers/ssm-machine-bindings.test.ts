/**
 * The machine-client binding registry in SSM, read with the real AWS SDK v3 client from a
 * loopback SSM stand-in (the true edge: no AWS account here): one call, then none for a
 * minute; a changed registry is read after the minute; every failure fails closed.
 */
import { MachineBindingError } from "../../handlers/lib/errors";
import { parseMachineBindings } from "../../handlers/lib/machine-bindings";
import { ssmMachineBindings } from "../../handlers/lib/ssm-machine-bindings";
import { GROUP_SCOPES_FILE } from "../../handlers/lib/packaged-data";
import { packageFolder } from "../support/packaged-data";
import { SsmStandIn } from "../support/ssm-stand-in";

const PARAMETER = "/cert-bound-api/machine-client-bindings";
const FINGERPRINT_A = "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg";
const FINGERPRINT_B = "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU";
let ssm: SsmStandIn;
let endpoint: string;
const saved = { ...process.env };

beforeAll(async () => {
  ssm = new SsmStandIn("eu-west-1");
  endpoint = await ssm.listen();
  // Credentials as Lambda provides them, in the environment (the stand-in checks the signature's scope only).
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", AWS_REGION: "eu-west-1" });
});
afterAll(async () => {
  process.env = saved;
  await ssm.close();
});
beforeEach(() => {
  ssm.calls = 0;
  ssm.put(PARAMETER, JSON.stringify({ clientaaaaaaaaaaaaaaaaaaaaa: FINGERPRINT_A }));
});

it("reads the registry once and answers from memory for 60 s, then reads it again", async () => {
  let time = 1_000_000;
  const lookup = ssmMachineBindings({ parameterName: PARAMETER, endpoint, now: () => time });
  expect(await lookup("clientaaaaaaaaaaaaaaaaaaaaa")).toBe(FINGERPRINT_A);
  expect(await lookup("unknown")).toBeUndefined();
  expect(ssm.calls).toBe(1);
  ssm.put(PARAMETER, JSON.stringify({ clientaaaaaaaaaaaaaaaaaaaaa: FINGERPRINT_B }));
  time += 59_999;
  expect(await lookup("clientaaaaaaaaaaaaaaaaaaaaa")).toBe(FINGERPRINT_A); // the cached minute
  expect(ssm.calls).toBe(1);
  time += 1;
  expect(await lookup("clientaaaaaaaaaaaaaaaaaaaaa")).toBe(FINGERPRINT_B); // a rotation takes effect within 60 s
  expect(ssm.calls).toBe(2);
});

it("shares one read between concurrent lookups", async () => {
  const lookup = ssmMachineBindings({ parameterName: PARAMETER, endpoint });
  await Promise.all(Array.from({ length: 5 }, () => lookup("clientaaaaaaaaaaaaaaaaaaaaa")));
  expect(ssm.calls).toBe(1);
});

it("fails closed when the parameter is missing, and keeps failing until it exists", async () => {
  ssm.delete(PARAMETER);
  const lookup = ssmMachineBindings({ parameterName: PARAMETER, endpoint, cacheMilliseconds: 0 });
  await expect(lookup("clientaaaaaaaaaaaaaaaaaaaaa")).rejects.toThrow(new MachineBindingError(`cannot read the machine-client binding registry ${PARAMETER} (ParameterNotFound)`));
  await expect(lookup("clientaaaaaaaaaaaaaaaaaaaaa")).rejects.toThrow(MachineBindingError);
  ssm.put(PARAMETER, JSON.stringify({ clientaaaaaaaaaaaaaaaaaaaaa: FINGERPRINT_A }));
  expect(await lookup("clientaaaaaaaaaaaaaaaaaaaaa")).toBe(FINGERPRINT_A);
});

it("fails closed when a request is refused (signed for another region)", async () => {
  const wrongRegion = ssmMachineBindings({ parameterName: PARAMETER, endpoint, region: "us-east-1" });
  await expect(wrongRegion("clientaaaaaaaaaaaaaaaaaaaaa")).rejects.toThrow(/InvalidSignatureException/);
});

it("fails closed when nobody answers", async () => {
  const closed = ssmMachineBindings({ parameterName: PARAMETER, endpoint: "http://127.0.0.1:9" });
  await expect(closed("clientaaaaaaaaaaaaaaaaaaaaa")).rejects.toThrow(MachineBindingError);
  // The SDK's HTTP handler leaves its 1 s connection-timeout timer running after a refused connection; let it end with the test.
  await new Promise((resolve) => setTimeout(resolve, 1100));
});

it.each([
  ["not JSON", "{", /not valid JSON/],
  ["a list", "[]", /must be a JSON object/],
  ["a number as fingerprint", JSON.stringify({ clientaaaaaaaaaaaaaaaaaaaaa: 5 }), /must map app client ids/],
  ["a key that is no client id", JSON.stringify({ "not an id": FINGERPRINT_A }), /must map app client ids/],
])("refuses a registry that is %s, without echoing it", async (_name, value, message) => {
  ssm.put(PARAMETER, value);
  const lookup = ssmMachineBindings({ parameterName: PARAMETER, endpoint });
  const failure = lookup("clientaaaaaaaaaaaaaaaaaaaaa");
  await expect(failure).rejects.toThrow(MachineBindingError);
  await expect(failure).rejects.toThrow(message);
});

it("keeps inherited property names out of the registry", () => {
  const registry = parseMachineBindings(JSON.stringify({ clientaaaaaaaaaaaaaaaaaaaaa: FINGERPRINT_A }));
  expect(registry.get("__proto__")).toBeUndefined();
  expect(registry.get("constructor")).toBeUndefined();
});

it("refuses a bad parameter name or cache time when created", () => {
  expect(() => ssmMachineBindings({ parameterName: "has space" })).toThrow(TypeError);
  expect(() => ssmMachineBindings({ parameterName: PARAMETER, cacheMilliseconds: -1 })).toThrow(TypeError);
});

it("the trigger's Lambda entry point reads MACHINE_BINDINGS_PARAMETER (endpoint from AWS_ENDPOINT_URL_SSM, as the SDK reads it)", async () => {
  Object.assign(process.env, { MACHINE_BINDINGS_PARAMETER: PARAMETER, AWS_ENDPOINT_URL_SSM: endpoint });
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
    const result = await fresh!.handler(event("clientaaaaaaaaaaaaaaaaaaaaa"));
    expect(result.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride).toEqual({ cnf: { "x5t#S256": FINGERPRINT_A } });
    await expect(fresh!.handler(event("clientbbbbbbbbbbbbbbbbbbbbb"))).rejects.toThrow(/no certificate is registered/);
    expect(ssm.calls).toBe(1); // the second token used the cached registry
  } finally {
    delete process.env.MACHINE_BINDINGS_PARAMETER;
    delete process.env.AWS_ENDPOINT_URL_SSM;
  }
});
