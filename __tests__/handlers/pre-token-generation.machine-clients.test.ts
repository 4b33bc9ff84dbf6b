/**
 * The trigger as a V3_0 trigger: client-credentials tokens get cnf.x5t#S256 of the certificate
 * registered for the calling client (callerContext.clientId) and nothing else; without a
 * readable registration it throws, so Cognito issues no token. User flows on V3_0 events are
 * bound as before, with their group scopes.
 */
import { createHash } from "node:crypto";
import { createPreTokenGenerationHandler, type PreTokenGenerationV2Event } from "../../handlers/pre-token-generation";
import { FingerprintMissingError, MachineBindingError } from "../../handlers/lib/errors";
import { createCa, issueClientCert, type IssuedCertificate } from "../support/certificates";

const MACHINE_CLIENT = "6k2q7mbl0s5j3vcf1r8d4hn9pa";
const USER_CLIENT = "3n4b5urk1ft4fl3mg5e62d9ado";
let machineCert: IssuedCertificate;
let userCert: IssuedCertificate;
beforeAll(async () => {
  const ca = await createCa();
  machineCert = await issueClientCert(ca, "CN=partner-a,O=cbat tests", "ecdsa");
  userCert = await issueClientCert(ca, "CN=alice,O=cbat tests");
});
const x5t = (cert: IssuedCertificate) => createHash("sha256").update(cert.der).digest("base64url");

/** A V3_0 client-credentials event as Cognito sends it: no user, no groups, the granted scopes. */
function clientCredentialsEvent(clientId: unknown = MACHINE_CLIENT): PreTokenGenerationV2Event {
  return {
    version: "3",
    triggerSource: "TokenGeneration_ClientCredentials",
    region: "eu-west-1",
    userPoolId: "eu-west-1_TestPool1",
    callerContext: { awsSdkVersion: "aws-sdk-unknown-unknown", clientId },
    request: { userAttributes: {}, groupConfiguration: null, scopes: ["cbat/invoke", "accounts/read"] },
    response: { claimsAndScopeOverrideDetails: null },
  };
}

function userEvent(attributes: Record<string, string>, groups: string[] = []): PreTokenGenerationV2Event {
  return {
    version: "3",
    triggerSource: "TokenGeneration_Authentication",
    region: "eu-west-1",
    userPoolId: "eu-west-1_TestPool1",
    userName: "alice",
    callerContext: { awsSdkVersion: "aws-sdk-unknown-unknown", clientId: USER_CLIENT },
    request: { userAttributes: { sub: "6f1e9d5c-5a4b-4c3d-9e8f-0123456789ab", ...attributes }, groupConfiguration: { groupsToOverride: groups, iamRolesToOverride: [], preferredRole: null }, scopes: ["aws.cognito.signin.user.admin"] },
    response: { claimsAndScopeOverrideDetails: null },
  };
}

const access = (event: PreTokenGenerationV2Event) => event.response.claimsAndScopeOverrideDetails?.accessTokenGeneration;

describe("client credentials (V3_0)", () => {
  const lookups: string[] = [];
  const registry = () => new Map([[MACHINE_CLIENT, x5t(machineCert)]]);
  const trigger = createPreTokenGenerationHandler({
    groupScopes: { admins: ["accounts/write"] },
    machineBindings: async (clientId) => {
      lookups.push(clientId);
      return registry().get(clientId);
    },
  });

  it("binds the token to the certificate registered for the calling client", async () => {
    const result = await trigger(clientCredentialsEvent());
    expect(access(result)).toEqual({ claimsToAddOrOverride: { cnf: { "x5t#S256": x5t(machineCert) } } });
    expect(lookups).toContain(MACHINE_CLIENT);
  });

  it("adds no group scope and never reads user attributes, even when the event carries some", async () => {
    const event = clientCredentialsEvent();
    event.request.userAttributes = { "custom:cert_fingerprint": x5t(userCert) };
    event.request.groupConfiguration = { groupsToOverride: ["admins"], iamRolesToOverride: [], preferredRole: null };
    const result = access(await trigger(event));
    expect(result?.claimsToAddOrOverride?.cnf).toEqual({ "x5t#S256": x5t(machineCert) });
    expect(result?.scopesToAdd).toBeUndefined();
    // A machine token never carries the self-service scope: nothing to suppress, and Cognito's grant stays as it is.
    expect(result?.scopesToSuppress).toBeUndefined();
  });

  it("normalises a registered fingerprint in another accepted form (openssl's)", async () => {
    const openssl = `sha256 Fingerprint=${createHash("sha256").update(machineCert.der).digest("hex").toUpperCase().match(/../g)!.join(":")}`;
    const fromOpenssl = createPreTokenGenerationHandler({ machineBindings: async () => openssl });
    expect(access(await fromOpenssl(clientCredentialsEvent()))?.claimsToAddOrOverride?.cnf).toEqual({ "x5t#S256": x5t(machineCert) });
  });

  it.each([
    ["an unregistered client", () => trigger(clientCredentialsEvent("unknownclient1234567890abc")), /no certificate is registered/],
    ["an event without callerContext.clientId", () => trigger(clientCredentialsEvent(null)), /callerContext\.clientId/],
    ["a trigger without a registry", () => createPreTokenGenerationHandler()(clientCredentialsEvent()), /no machine-client binding registry/],
    ["an empty registration", () => createPreTokenGenerationHandler({ machineBindings: async () => "  " })(clientCredentialsEvent()), /no certificate is registered/],
  ])("fails closed for %s (no token)", async (_name, run, message) => {
    await expect(run()).rejects.toThrow(MachineBindingError);
    await expect(run()).rejects.toThrow(message);
  });

  it("fails closed on a malformed registration without echoing it", async () => {
    const stored = "not-a-fingerprint-but-perhaps-a-secret";
    const failure = createPreTokenGenerationHandler({ machineBindings: async () => stored })(clientCredentialsEvent());
    await expect(failure).rejects.toThrow(MachineBindingError);
    await expect(failure).rejects.toThrow(expect.objectContaining({ message: expect.not.stringContaining(stored) }));
  });

  it("fails closed when the registry cannot be read", async () => {
    const unreadable = createPreTokenGenerationHandler({ machineBindings: async () => { throw new MachineBindingError("cannot read the machine-client binding registry /x (AccessDeniedException)"); } });
    await expect(unreadable(clientCredentialsEvent())).rejects.toThrow(/AccessDeniedException/);
  });

  it("refuses a registry that is not a lookup function", () => {
    expect(() => createPreTokenGenerationHandler({ machineBindings: { [MACHINE_CLIENT]: "x" } as never })).toThrow(TypeError);
  });
});

describe("user sign-in on V3_0 events (unchanged)", () => {
  const trigger = createPreTokenGenerationHandler({
    groupScopes: { readers: ["accounts/read"] },
    // A registry that would bind anyone: user flows must never consult it.
    machineBindings: async () => x5t(machineCert),
  });

  it("binds to the user's attribute and adds the groups' scopes", async () => {
    const result = access(await trigger(userEvent({ "custom:cert_fingerprint": x5t(userCert) }, ["readers"])));
    expect(result).toEqual({ claimsToAddOrOverride: { cnf: { "x5t#S256": x5t(userCert) } }, scopesToAdd: ["accounts/read"], scopesToSuppress: ["aws.cognito.signin.user.admin"] });
  });

  it("still fails closed for a user without a binding, whatever the machine registry holds", async () => {
    await expect(trigger(userEvent({}))).rejects.toThrow(FingerprintMissingError);
  });
});
