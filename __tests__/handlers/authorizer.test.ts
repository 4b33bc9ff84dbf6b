/**
 * The authorizer against real RSA/ECDSA certificates and real RS256 tokens.
 * Nothing of the code under test is mocked; the JWKS is handed in, as Cognito would serve it.
 */
import { createHash } from "node:crypto";
import { createAuthorizer, type AuthorizerHandler } from "../../handlers/authorizer";
import { createCa, issueClientCert, type IssuedCertificate } from "../support/certificates";
import { METHOD_ARN, requestAuthorizerEvent } from "../support/events";
import {
  accessTokenClaims, CLIENT_ID, createSigningKey, jwksOf, REGION, signHs256WithPublicKey, signJwt,
  unsignedJwt, USER_POOL_ID, type SigningKey,
} from "../support/tokens";

const x5t = (der: Buffer) => createHash("sha256").update(der).digest("base64url");

let key: SigningKey;
let otherKey: SigningKey;
let certA: IssuedCertificate;
let certB: IssuedCertificate;
let ecCert: IssuedCertificate;
let authorize: AuthorizerHandler;
let logLines: string[];

beforeAll(async () => {
  key = createSigningKey();
  otherKey = createSigningKey();
  const ca = await createCa();
  certA = await issueClientCert(ca, "CN=client-a,O=cbat tests", "rsa");
  certB = await issueClientCert(ca, "CN=client-b,O=cbat tests", "rsa");
  ecCert = await issueClientCert(ca, "CN=client-ec,O=cbat tests", "ecdsa");
  authorize = createAuthorizer({ userPoolId: USER_POOL_ID, clientId: CLIENT_ID, jwks: jwksOf(key) });
});

beforeEach(() => {
  logLines = [];
  jest.spyOn(console, "log").mockImplementation((line: string) => void logLines.push(line));
});
afterEach(() => jest.restoreAllMocks());

const boundToken = (cert: IssuedCertificate, overrides: Record<string, unknown> = {}) =>
  signJwt(key, accessTokenClaims({ cnf: { "x5t#S256": x5t(cert.der) }, ...overrides }));

async function expectDenied(event: Record<string, unknown>, reason: string) {
  await expect(authorize(event)).rejects.toThrow(/^Unauthorized$/);
  expect(logLines).toHaveLength(1);
  expect(JSON.parse(logLines[0])).toMatchObject({ decision: "Deny", reason });
}

describe("allows a token bound to the presented certificate", () => {
  it("returns an Allow policy for the method with a flat context", async () => {
    const event = requestAuthorizerEvent({ authorization: `Bearer ${boundToken(certA)}`, certPem: certA.pem, subjectDN: certA.subject });
    const result = await authorize(event);
    expect(result.principalId).toBe("6f1e9d5c-5a4b-4c3d-9e8f-0123456789ab");
    expect(result.policyDocument).toEqual({
      Version: "2012-10-17",
      Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: METHOD_ARN }],
    });
    expect(result.context).toEqual({
      sub: "6f1e9d5c-5a4b-4c3d-9e8f-0123456789ab",
      username: "alice",
      clientId: CLIENT_ID,
      scope: "aws.cognito.signin.user.admin",
      x5tS256: x5t(certA.der),
      certSubject: certA.subject,
    });
    for (const value of Object.values(result.context)) expect(["string", "number", "boolean"]).toContain(typeof value);
    expect(JSON.parse(logLines[0])).toEqual({
      level: "INFO", message: "authorizer decision", decision: "Allow", reason: "cert_bound",
      requestId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef", sub: "6f1e9d5c-5a4b-4c3d-9e8f-0123456789ab", clientId: CLIENT_ID,
    });
  });

  it("works for an ECDSA client certificate", async () => {
    await expect(authorize(requestAuthorizerEvent({ authorization: `Bearer ${boundToken(ecCert)}`, certPem: ecCert.pem }))).resolves.toHaveProperty("principalId");
  });

  it.each([
    ["Bearer", (t: string) => `Bearer ${t}`],
    ["bare token", (t: string) => t],
    ["lowercase scheme", (t: string) => `bearer ${t}`],
    ["uppercase scheme", (t: string) => `BEARER ${t}`],
    ["extra spaces", (t: string) => `  Bearer   ${t}  `],
  ])("accepts the credential as %s", async (_name, format) => {
    await expect(authorize(requestAuthorizerEvent({ authorization: format(boundToken(certA)), certPem: certA.pem }))).resolves.toBeDefined();
  });

  it.each(["authorization", "AUTHORIZATION", "aUtHoRiZaTiOn"])("finds the header named %s", async (name) => {
    const value = `Bearer ${boundToken(certA)}`;
    const event = requestAuthorizerEvent({ certPem: certA.pem, headers: { [name]: value }, multiValueHeaders: { [name]: [value] } });
    await expect(authorize(event)).resolves.toBeDefined();
  });

  it("reads multiValueHeaders when headers is null", async () => {
    const event = { ...requestAuthorizerEvent({ certPem: certA.pem, multiValueHeaders: { authorization: [`Bearer ${boundToken(certA)}`] } }), headers: null };
    await expect(authorize(event)).resolves.toBeDefined();
  });

  it("gives the same answer for a re-wrapped PEM with CRLF line ends", async () => {
    const body = certA.der.toString("base64").replace(/.{76}/g, "$&\r\n");
    const rewrapped = `\r\n-----BEGIN CERTIFICATE-----\r\n${body}\r\n-----END CERTIFICATE-----\r\n`;
    expect(rewrapped).not.toBe(certA.pem);
    await expect(authorize(requestAuthorizerEvent({ authorization: `Bearer ${boundToken(certA)}`, certPem: rewrapped }))).resolves.toBeDefined();
  });
});

describe("refuses tokens that are not bound to the presented certificate", () => {
  it("token for cert A presented with cert B", async () => {
    await expectDenied(requestAuthorizerEvent({ authorization: `Bearer ${boundToken(certA)}`, certPem: certB.pem }), "cnf_mismatch");
  });
  it("no cnf claim", async () => {
    await expectDenied(requestAuthorizerEvent({ authorization: `Bearer ${signJwt(key, accessTokenClaims())}`, certPem: certA.pem }), "cnf_missing");
  });
  it("cnf without x5t#S256", async () => {
    const token = signJwt(key, accessTokenClaims({ cnf: { jkt: x5t(certA.der) } }));
    await expectDenied(requestAuthorizerEvent({ authorization: `Bearer ${token}`, certPem: certA.pem }), "cnf_missing");
  });
  it.each([
    ["a string", x5t(Buffer.alloc(1))],
    ["an array", [{ "x5t#S256": "x" }]],
    ["a number", 42],
  ])("cnf of the wrong type: %s", async (_name, cnf) => {
    const token = signJwt(key, accessTokenClaims({ cnf }));
    await expectDenied(requestAuthorizerEvent({ authorization: `Bearer ${token}`, certPem: certA.pem }), "cnf_invalid");
  });
  it("x5t#S256 that is not a string", async () => {
    const token = signJwt(key, accessTokenClaims({ cnf: { "x5t#S256": { value: x5t(certA.der) } } }));
    await expectDenied(requestAuthorizerEvent({ authorization: `Bearer ${token}`, certPem: certA.pem }), "cnf_invalid");
  });
  it.each([
    ["hex", (der: Buffer) => createHash("sha256").update(der).digest("hex")],
    ["padded base64url", (der: Buffer) => `${x5t(der)}=`],
    ["standard base64", (der: Buffer) => createHash("sha256").update(der).digest("base64")],
    ["SHA-256 of the PEM text", () => createHash("sha256").update(certA.pem).digest("base64url")],
    ["SHA-1 of the DER", (der: Buffer) => createHash("sha1").update(der).digest("base64url")],
  ])("the right certificate's thumbprint in the wrong form: %s", async (_name, encode) => {
    const token = signJwt(key, accessTokenClaims({ cnf: { "x5t#S256": encode(certA.der) } }));
    await expectDenied(requestAuthorizerEvent({ authorization: `Bearer ${token}`, certPem: certA.pem }), "cnf_mismatch");
  });
});

describe("refuses tokens that do not verify", () => {
  const bound = () => ({ cnf: { "x5t#S256": x5t(certA.der) } });
  const deny = (token: string, reason: string) =>
    expectDenied(requestAuthorizerEvent({ authorization: `Bearer ${token}`, certPem: certA.pem }), reason);

  it("expired", () => deny(signJwt(key, accessTokenClaims({ ...bound(), iat: 1_600_000_000, exp: 1_600_003_600 })), "token_expired"));
  it("without exp", () => deny(signJwt(key, accessTokenClaims({ ...bound(), exp: undefined })), "token_invalid"));
  it("an id token", () => deny(signJwt(key, accessTokenClaims({ ...bound(), token_use: "id", client_id: undefined, aud: CLIENT_ID })), "token_invalid"));
  it("another client id", () => deny(signJwt(key, accessTokenClaims({ ...bound(), client_id: "otherclient123" })), "token_invalid"));
  it("another pool's issuer", () =>
    deny(signJwt(key, accessTokenClaims({ ...bound(), iss: `https://cognito-idp.${REGION}.amazonaws.com/${REGION}_OtherPool` })), "token_invalid"));
  it("signed by a key not in the pool's JWKS (unknown kid)", () => deny(signJwt(otherKey, accessTokenClaims(bound())), "token_invalid"));
  it("signed by another key under our kid", () =>
    deny(signJwt({ ...otherKey, kid: key.kid }, accessTokenClaims(bound())), "token_invalid"));
  it("alg none", () => deny(unsignedJwt(key, accessTokenClaims(bound())), "token_invalid"));
  it("HS256 signed with the RSA public key", () => deny(signHs256WithPublicKey(key, accessTokenClaims(bound())), "token_invalid"));
  it("tampered payload (cnf swapped to cert B after signing)", () => {
    const [header, , signature] = boundToken(certA).split(".");
    const forged = Buffer.from(JSON.stringify(accessTokenClaims({ cnf: { "x5t#S256": x5t(certB.der) } }))).toString("base64url");
    return expectDenied(requestAuthorizerEvent({ authorization: `Bearer ${header}.${forged}.${signature}`, certPem: certB.pem }), "token_invalid");
  });
  it("garbage token", () => deny("not-a.jwt.at-all", "token_invalid"));
});

describe("refuses ambiguous or missing credentials", () => {
  it("no Authorization header", () => expectDenied(requestAuthorizerEvent({ certPem: certA.pem }), "missing_token"));
  it("empty Authorization header", () => expectDenied(requestAuthorizerEvent({ authorization: "", certPem: certA.pem }), "missing_token"));
  it("Bearer without a token", () => expectDenied(requestAuthorizerEvent({ authorization: "Bearer ", certPem: certA.pem }), "missing_token"));
  it.each(["Basic", "DPoP", "Token"])("scheme %s", (scheme) =>
    expectDenied(requestAuthorizerEvent({ authorization: `${scheme} ${boundToken(certA)}`, certPem: certA.pem }), "unsupported_scheme"));
  it("two Authorization values in multiValueHeaders", () => {
    const value = `Bearer ${boundToken(certA)}`;
    return expectDenied(
      requestAuthorizerEvent({ certPem: certA.pem, headers: { Authorization: value }, multiValueHeaders: { Authorization: [value, value] } }),
      "multiple_tokens",
    );
  });
  it("two header names differing in case", () => {
    const value = `Bearer ${boundToken(certA)}`;
    return expectDenied(
      requestAuthorizerEvent({ certPem: certA.pem, headers: { Authorization: value, authorization: value }, multiValueHeaders: {} }),
      "multiple_tokens",
    );
  });
  it("headers and multiValueHeaders disagreeing", () =>
    expectDenied(
      requestAuthorizerEvent({
        certPem: certA.pem,
        headers: { Authorization: `Bearer ${boundToken(certA)}` },
        multiValueHeaders: { Authorization: [`Bearer ${boundToken(certB)}`] },
      }),
      "multiple_tokens",
    ));
});

describe("refuses requests without a usable client certificate", () => {
  const auth = () => `Bearer ${boundToken(certA)}`;
  it("no clientCert", () => expectDenied(requestAuthorizerEvent({ authorization: auth(), certPem: null }), "cert_missing"));
  it("empty PEM", () => expectDenied(requestAuthorizerEvent({ authorization: auth(), certPem: "" }), "cert_missing"));
  it("garbage PEM", () =>
    expectDenied(requestAuthorizerEvent({ authorization: auth(), certPem: "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n" }), "cert_invalid"));
  it("truncated certificate", () => {
    const truncated = `-----BEGIN CERTIFICATE-----\n${certA.der.subarray(0, certA.der.length - 3).toString("base64")}\n-----END CERTIFICATE-----\n`;
    return expectDenied(requestAuthorizerEvent({ authorization: auth(), certPem: truncated }), "cert_invalid");
  });
  it("a PEM bundle of two certificates (even if the first is the bound one)", () =>
    expectDenied(requestAuthorizerEvent({ authorization: auth(), certPem: certA.pem + certB.pem }), "cert_invalid"));
  it("a private key block instead of a certificate", () =>
    expectDenied(requestAuthorizerEvent({ authorization: auth(), certPem: certA.privateKeyPem }), "cert_invalid"));
  it("a non-string PEM", async () => {
    const event = requestAuthorizerEvent({ authorization: auth(), certPem: certA.pem });
    event.requestContext.identity.clientCert.clientCertPem = { pem: certA.pem };
    await expectDenied(event, "cert_invalid");
  });
});

describe("fails closed on broken events and configuration", () => {
  it.each([undefined, null, 42, "event", {}])("event %p", async (event) => {
    await expect(authorize(event as never)).rejects.toThrow(/^Unauthorized$/);
  });
  it("methodArn missing", async () => {
    const event = requestAuthorizerEvent({ authorization: `Bearer ${boundToken(certA)}`, certPem: certA.pem });
    delete event.methodArn;
    await expectDenied(event, "event_invalid");
  });
  it.each([
    [{ userPoolId: "not-a-pool", clientId: CLIENT_ID }, /userPoolId/],
    [{ userPoolId: USER_POOL_ID, clientId: "" }, /clientId/],
    [{ userPoolId: USER_POOL_ID, clientId: CLIENT_ID, jwks: { nokeys: [] } }, /jwks/],
  ])("createAuthorizer refuses bad options %#", (options, message) => {
    expect(() => createAuthorizer(options as never)).toThrow(message);
  });
  it("a token of our pool is refused by an authorizer pinned to another client", async () => {
    const other = createAuthorizer({ userPoolId: USER_POOL_ID, clientId: "anotherclient", jwks: jwksOf(key) });
    await expect(other(requestAuthorizerEvent({ authorization: `Bearer ${boundToken(certA)}`, certPem: certA.pem }))).rejects.toThrow(/^Unauthorized$/);
  });
});

describe("logs one line per decision without secrets", () => {
  it("never logs the token, the certificate or non-id claims", async () => {
    const token = boundToken(certA, { username: "alice-secret-name" });
    const cases = [
      requestAuthorizerEvent({ authorization: `Bearer ${token}`, certPem: certA.pem }),
      requestAuthorizerEvent({ authorization: `Bearer ${token}`, certPem: certB.pem }),
      requestAuthorizerEvent({ authorization: `Basic ${token}`, certPem: certA.pem }),
    ];
    for (const event of cases) await authorize(event).catch(() => undefined);
    expect(logLines).toHaveLength(cases.length);
    const body = certA.der.toString("base64").slice(0, 40);
    for (const line of logLines) {
      expect(() => JSON.parse(line)).not.toThrow();
      for (const secret of [token.split(".")[1], token.split(".")[2], body, "alice-secret-name", "BEGIN CERTIFICATE"]) {
        expect(line).not.toContain(secret);
      }
    }
  });
});

describe("the verified-token cache never widens what is allowed", () => {
  it("checks the binding on every request: the token allowed with A is refused with B right after", async () => {
    const token = boundToken(certA);
    await expect(authorize(requestAuthorizerEvent({ authorization: `Bearer ${token}`, certPem: certA.pem }))).resolves.toBeDefined();
    logLines = [];
    await expectDenied(requestAuthorizerEvent({ authorization: `Bearer ${token}`, certPem: certB.pem }), "cnf_mismatch");
  });

  it("refuses a cached token once it has expired", async () => {
    const now = Date.now();
    const token = boundToken(certA, { exp: Math.floor(now / 1000) + 60 });
    const event = requestAuthorizerEvent({ authorization: `Bearer ${token}`, certPem: certA.pem });
    await expect(authorize(event)).resolves.toBeDefined();
    jest.spyOn(Date, "now").mockReturnValue(now + 61_000);
    logLines = [];
    await expectDenied(event, "token_expired");
  });

  it("stays within its size bound, and can be disabled", async () => {
    const { VerifiedTokenCache } = await import("../../handlers/lib/verified-token-cache");
    const cache = new VerifiedTokenCache(2);
    const exp = Math.floor(Date.now() / 1000) + 60;
    cache.set("a", { exp });
    cache.set("b", { exp });
    cache.set("c", { exp });
    expect(cache.size).toBe(2);
    expect(cache.get("a")).toBeUndefined();
    expect(cache.get("c")).toEqual({ exp });
    const disabled = new VerifiedTokenCache(0);
    disabled.set("a", { exp });
    expect(disabled.get("a")).toBeUndefined();
    expect(() => createAuthorizer({ userPoolId: USER_POOL_ID, clientId: CLIENT_ID, verifiedTokenCacheSize: -1 })).toThrow(/verifiedTokenCacheSize/);
  });
});
