/**
 * The mTLS token endpoint reading each client's registration from the machine-client registry
 * (one SSM parameter per client id, the entry the trigger reads too), on real certificates, with
 * the real AWS SDK v3 client against a loopback SSM stand-in (the true edge: no AWS account here).
 * Cognito's token endpoint is the other stand-in: it runs the real trigger, which reads the same
 * entry for its binding. Checked: one read per client then none while cached; an unknown client
 * id, and every registration that cannot be used, is invalid_client; an SSM that never answers
 * is invalid_client within the reader's deadline.
 */
import { createHash, randomBytes } from "node:crypto";
import { lambdaCredentialsForSuite } from "../support/lambda-credentials";
import { TestServers } from "../support/test-servers";
import { createPreTokenGenerationHandler } from "../../handlers/pre-token-generation";
import { createTokenEndpoint, hmacVoucherMac, registryTokenClients, ssmMachineRegistry, type ClosableTokenEndpoint, type ProxyEvent } from "../../handlers/token-endpoint";
import { TLS_CLIENT_AUTH_BINDING, type VoucherMac } from "../../handlers/lib/client-voucher";
import { TokenRequestError } from "../../handlers/lib/cognito-client-credentials";
import { SCOPES_SUPPORTED_FILE } from "../../handlers/lib/packaged-data";
import { ssmMachineBindings } from "../../handlers/lib/ssm-machine-bindings";
import { createCa, issueClientCert, type IssuedCertificate } from "../support/certificates";
import { packageFolder } from "../support/packaged-data";
import { SsmStandIn } from "../support/ssm-stand-in";

const PATH = "/cert-bound-api/machine-client-bindings/";
const TLS = "6k2q7mbl0s5j3vcf1r8d4hn9pa";
const PINNED = "3n4b5urk1ft4fl3mg5e62d9ado";
const NO_METHOD = "7a8b9c0d1e2f3g4h5i6j7k8l9m";
const x5t = (cert: IssuedCertificate) => createHash("sha256").update(cert.der).digest("base64url");

let ca: IssuedCertificate;
let partner: IssuedCertificate;
let pinnedCert: IssuedCertificate;
let ssm: SsmStandIn;
let ssmEndpoint: string;
let lines: string[];
let cognitoCalls: number;
const endpoints: ClosableTokenEndpoint[] = [];
lambdaCredentialsForSuite();

const tlsEntry = () => JSON.stringify({ clientId: TLS, "x5t#S256": TLS_CLIENT_AUTH_BINDING, tokenEndpoint: { name: "partner-a", method: "tls_client_auth", subjectDn: "CN=payments,O=Partner A,C=GB", issuerDn: "O=cbat tests,CN=Partner CA", scopes: ["cbat/invoke", "accounts/read"] } });
const pinnedEntry = () => JSON.stringify({ clientId: PINNED, "x5t#S256": x5t(pinnedCert), tokenEndpoint: { name: "reporting", method: "self_signed_tls_client_auth", scopes: ["cbat/invoke"] } });

beforeAll(async () => {
  ca = await createCa("CN=Partner CA,O=cbat tests");
  // @peculiar/x509 encodes RDNs in the written order, so RFC 4514 (last RDN first) reads them reversed.
  partner = await issueClientCert(ca, "C=GB,O=Partner A,CN=payments", "ecdsa");
  pinnedCert = await issueClientCert(ca, "CN=reporting,O=cbat tests", "ecdsa");
  ssm = new SsmStandIn("eu-west-1");
  ssmEndpoint = await ssm.listen();
});
afterAll(async () => {
  await ssm.close();
});
beforeEach(() => {
  lines = [];
  cognitoCalls = 0;
  ssm.calls = 0;
  ssm.put(`${PATH}${TLS}`, tlsEntry());
  ssm.put(`${PATH}${PINNED}`, pinnedEntry());
  ssm.put(`${PATH}${NO_METHOD}`, JSON.stringify({ clientId: NO_METHOD, "x5t#S256": x5t(pinnedCert) }));
});
afterEach(() => {
  for (const endpoint of endpoints.splice(0)) endpoint.close();
});

/**
 * The endpoint on the registry at `endpoint`; Cognito's stand-in runs the real trigger on the same
 * registry. `now` steps the registry's clock only (vouchers keep real time).
 */
function registryEndpoint(endpoint: string, options: { now?: () => number; deadlineMilliseconds?: number } = {}): ClosableTokenEndpoint {
  const mac: VoucherMac = hmacVoucherMac(randomBytes(32));
  const trigger = createPreTokenGenerationHandler({ machineBindings: ssmMachineBindings({ parameterPath: PATH, endpoint }), voucherMac: mac });
  const created = createTokenEndpoint({
    registry: registryTokenClients(ssmMachineRegistry({ parameterPath: PATH, endpoint, now: options.now, deadlineMilliseconds: options.deadlineMilliseconds })),
    scopesSupported: ["accounts/read", "cbat/invoke"],
    baseUrl: "https://api.example.com",
    issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TestPool1",
    cognitoTokenEndpoint: "https://pool.auth.eu-west-1.amazoncognito.com/oauth2/token",
    secrets: async (name) => `secret-of-${name}`,
    voucherMac: mac,
    reuseTokens: false,
    requestToken: async (request) => {
      cognitoCalls++;
      let result;
      try {
        result = await trigger({ version: "3", triggerSource: "TokenGeneration_ClientCredentials", callerContext: { clientId: request.clientId }, request: { userAttributes: {}, scopes: [...request.scopes], clientMetadata: { ...request.clientMetadata } }, response: {} });
      } catch {
        throw new TokenRequestError(400, "invalid_request");
      }
      const cnf = (result.response.claimsAndScopeOverrideDetails as any).accessTokenGeneration.claimsToAddOrOverride.cnf;
      return { accessToken: Buffer.from(JSON.stringify({ client_id: request.clientId, cnf })).toString("base64url"), expiresIn: 3600, tokenType: "Bearer" };
    },
    decisionLog: (line) => lines.push(line),
  });
  endpoints.push(created);
  return created;
}

function tokenRequest(cert: IssuedCertificate, clientId: string): ProxyEvent {
  return {
    httpMethod: "POST",
    resource: "/oauth2/token",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: clientId }).toString(),
    requestContext: { requestId: "req-1", identity: { clientCert: { clientCertPem: cert.pem } } },
  };
}
const cnfOf = (body: string) => JSON.parse(Buffer.from(JSON.parse(body).access_token, "base64url").toString()).cnf;
const reasons = () => lines.map((line) => JSON.parse(line)).map(({ reason, clientId }) => [reason, clientId]);
const refusal = (answer: { statusCode: number; body: string }) => [answer.statusCode, JSON.parse(answer.body).error];

test("reads the calling client's registration once, then answers from memory for 60 s; the trigger binds from the same entry", async () => {
  let time = 1_000_000;
  const endpoint = registryEndpoint(ssmEndpoint, { now: () => time });
  const first = await endpoint(tokenRequest(partner, TLS));
  expect(first.statusCode).toBe(200);
  expect(cnfOf(first.body)).toEqual({ "x5t#S256": x5t(partner) });
  expect(ssm.calls).toBe(2); // the endpoint's read and the trigger's, of the same parameter
  const before = ssm.calls;
  for (let i = 0; i < 3; i++) expect((await endpoint(tokenRequest(partner, TLS))).statusCode).toBe(200);
  expect(ssm.calls - before).toBe(0); // the endpoint's cache and the trigger's
  expect(cognitoCalls).toBe(4);
  // A changed registration (another DN) takes effect after the minute, not before.
  ssm.put(`${PATH}${TLS}`, tlsEntry().replace("CN=payments", "CN=treasury"));
  time += 59_999;
  expect((await endpoint(tokenRequest(partner, TLS))).statusCode).toBe(200);
  time += 1;
  expect(refusal(await endpoint(tokenRequest(partner, TLS)))).toEqual([401, "invalid_client"]);
});

test("a pinned client is authenticated by its entry's binding: the certificate the trigger binds", async () => {
  const endpoint = registryEndpoint(ssmEndpoint);
  const answer = await endpoint(tokenRequest(pinnedCert, PINNED));
  expect(answer.statusCode).toBe(200);
  expect(cnfOf(answer.body)).toEqual({ "x5t#S256": x5t(pinnedCert) });
  expect(refusal(await endpoint(tokenRequest(partner, PINNED)))).toEqual([401, "invalid_client"]);
});

test("an unknown client id, or a client that names no tokenEndpointAuthMethod, is invalid_client; no token is requested", async () => {
  const endpoint = registryEndpoint(ssmEndpoint);
  expect(refusal(await endpoint(tokenRequest(partner, "unknownclient0000000000000")))).toEqual([401, "invalid_client"]);
  expect(refusal(await endpoint(tokenRequest(pinnedCert, NO_METHOD)))).toEqual([401, "invalid_client"]);
  expect(refusal(await endpoint(tokenRequest(partner, "../other-stack/x")))).toEqual([401, "invalid_client"]);
  expect(ssm.calls).toBe(2); // the malformed id never became a parameter name
  expect(reasons()).toEqual([["invalid_client", undefined], ["invalid_client", undefined], ["invalid_client", undefined]]);
  expect(cognitoCalls).toBe(0);
});

test.each([
  ["not JSON", () => "{"],
  ["another client's entry", () => tlsEntry().replace(`"clientId":"${TLS}"`, `"clientId":"${PINNED}"`)],
  ["a repeated key in its registration", () => tlsEntry().replace('"method":"tls_client_auth"', '"method":"tls_client_auth","method":"self_signed_tls_client_auth"')],
  ["a registration that is not an object", () => JSON.stringify({ clientId: TLS, "x5t#S256": TLS_CLIENT_AUTH_BINDING, tokenEndpoint: "tls_client_auth" })],
  ["an unknown method", () => tlsEntry().replace('"method":"tls_client_auth"', '"method":"private_key_jwt"')],
  ["no subject DN", () => tlsEntry().replace('"subjectDn":"CN=payments,O=Partner A,C=GB",', "")],
  ["a malformed subject DN", () => tlsEntry().replace("CN=payments,O=Partner A,C=GB", "CN=payments,,C=GB")],
  ["a pinned thumbprint inside the registration", () => tlsEntry().replace('"method":"tls_client_auth"', `"method":"tls_client_auth","x5tS256":"${x5t(partner)}"`)],
  ["tls_client_auth without the binding marker", () => tlsEntry().replace(`"x5t#S256":"${TLS_CLIENT_AUTH_BINDING}"`, `"x5t#S256":"${x5t(partner)}"`)],
])("a registry entry with %s is invalid_client, logged config_error, without echoing it", async (_name, value) => {
  ssm.put(`${PATH}${TLS}`, value());
  const endpoint = registryEndpoint(ssmEndpoint);
  const answer = await endpoint(tokenRequest(partner, TLS));
  expect(refusal(answer)).toEqual([401, "invalid_client"]);
  expect(answer.body).not.toMatch(/payments|Partner/);
  expect(reasons()).toEqual([["config_error", undefined]]);
  expect(lines.join("\n")).not.toMatch(/payments|Partner|private_key_jwt/);
  expect(cognitoCalls).toBe(0);
});

describe("an SSM that accepts the connection and never answers", () => {
  const servers = new TestServers();
  const sockets = new Set<unknown>();
  let silentEndpoint: string;
  beforeAll(async () => {
    silentEndpoint = await servers.silent((socket) => sockets.add(socket));
  });
  afterAll(() => servers.close());

  test("is invalid_client within the reader's 2 s deadline, well before the function's 20 s timeout", async () => {
    const endpoint = registryEndpoint(silentEndpoint);
    const started = Date.now();
    const answer = await endpoint(tokenRequest(partner, TLS));
    const elapsed = Date.now() - started;
    expect(refusal(answer)).toEqual([401, "invalid_client"]);
    expect(reasons()).toEqual([["config_error", undefined]]);
    expect(elapsed).toBeGreaterThanOrEqual(1900);
    expect(elapsed).toBeLessThan(4500);
    expect(sockets.size).toBeGreaterThan(0); // it did connect: the deadline, not a refused connection, ended it
    expect(cognitoCalls).toBe(0);
  });
});

test("refuses to be created with both or neither of registry and clients", () => {
  const base = { baseUrl: "https://a", issuer: "https://i", cognitoTokenEndpoint: "https://c", secrets: async () => "s", voucherMac: hmacVoucherMac(randomBytes(32)) };
  expect(() => createTokenEndpoint(base)).toThrow(/exactly one of registry/);
  expect(() => createTokenEndpoint({ ...base, clients: {}, registry: async () => undefined })).toThrow(/exactly one of registry/);
});

test("the Lambda entry point reads registrations from MACHINE_BINDINGS_PATH and scopes_supported from its package", async () => {
  const lambdaEnvironment = {
    MACHINE_BINDINGS_PATH: PATH, AWS_ENDPOINT_URL_SSM: ssmEndpoint, PUBLIC_BASE_URL: "https://api.example.com", USER_POOL_ID: "eu-west-1_TestPool1",
    COGNITO_TOKEN_ENDPOINT: "https://pool.auth.eu-west-1.amazoncognito.com/oauth2/token", CLIENT_SECRET_PARAMETER_PREFIX: "/cert-bound-api/token-endpoint/client-secret/",
    VOUCHER_KEY_ID: "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000",
  };
  Object.assign(process.env, lambdaEnvironment);
  // Decision lines go to stdout, as in Lambda: captured.
  const stdout: string[] = [];
  const write = jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => stdout.push(String(chunk)) > 0);
  try {
    let fresh: typeof import("../../handlers/token-endpoint") | undefined;
    const folder = packageFolder({ [SCOPES_SUPPORTED_FILE]: JSON.stringify(["accounts/read", "cbat/invoke"]) });
    jest.isolateModules(() => {
      fresh = require("../../handlers/token-endpoint");
      folder.remove();
    });
    const metadata = await fresh!.handler({ httpMethod: "GET", resource: "/.well-known/oauth-authorization-server", requestContext: {} });
    expect(JSON.parse(metadata.body).scopes_supported).toEqual(["accounts/read", "cbat/invoke"]);
    // A certificate with another DN than the registered one: the registration was read (one call) and refused it.
    expect(refusal(await fresh!.handler(tokenRequest(pinnedCert, TLS)))).toEqual([401, "invalid_client"]);
    expect(refusal(await fresh!.handler(tokenRequest(pinnedCert, TLS)))).toEqual([401, "invalid_client"]);
    expect(ssm.calls).toBe(1);
    expect(stdout.map((line) => JSON.parse(line)).map(({ reason, clientId }) => [reason, clientId])).toEqual([["invalid_client", TLS], ["invalid_client", TLS]]);
  } finally {
    write.mockRestore();
    for (const name of Object.keys(lambdaEnvironment)) delete process.env[name];
  }
});
