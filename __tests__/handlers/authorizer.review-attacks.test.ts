/**
 * The security review of issue 11, attack by attack, on real RS256 tokens and real X.509
 * certificates. Marked "allowed before": attacks the authorizer let through before issue 11
 * (these tests fail on the earlier code). The rest were refused already and stay covered here.
 */
import { createHash } from "node:crypto";
import { createAuthorizer, type AuthorizerHandler } from "../../handlers/authorizer";
import { createCa, issueClientCert, type IssuedCertificate } from "../support/certificates";
import { captureDecisionLog, expectDenied } from "../support/decisions";
import { requestAuthorizerEvent } from "../support/events";
import { accessTokenClaims, CLIENT_ID, createSigningKey, jwksOf, signJwt, signRawJwt, USER_POOL_ID, type SigningKey } from "../support/tokens";

const x5t = (der: Buffer) => createHash("sha256").update(der).digest("base64url");
const now = () => Math.floor(Date.now() / 1000);
const YEAR = 365 * 24 * 3600;

let key: SigningKey;
let attackerKey: SigningKey;
let certA: IssuedCertificate;
let certB: IssuedCertificate;
let authorize: AuthorizerHandler;
const log = captureDecisionLog();

beforeAll(async () => {
  key = createSigningKey();
  attackerKey = createSigningKey();
  const ca = await createCa();
  certA = await issueClientCert(ca, "CN=client-a,O=cbat tests", "rsa");
  certB = await issueClientCert(ca, "CN=client-b,O=cbat tests", "ecdsa");
  authorize = createAuthorizer({ userPoolId: USER_POOL_ID, clientId: CLIENT_ID, jwks: jwksOf(key) });
});

const boundTo = (cert: IssuedCertificate) => ({ cnf: { "x5t#S256": x5t(cert.der) } });
const tokenFor = (overrides: Record<string, unknown> = {}, header: Record<string, unknown> = {}) =>
  signJwt(key, accessTokenClaims({ ...boundTo(certA), ...overrides }), header);
const withToken = (token: string, cert: IssuedCertificate = certA) => requestAuthorizerEvent({ authorization: `Bearer ${token}`, certPem: cert.pem });
const deny = (token: string, reason: string, cert: IssuedCertificate = certA, by = authorize) => expectDenied(by, withToken(token, cert), reason, log);
const allows = (token: string, by = authorize) => expect(by(withToken(token))).resolves.toHaveProperty("principalId");

describe("token lifetime is bounded by the pool's access token validity (item 2)", () => {
  it("allows a token shaped as Cognito issues it, and the 5-minute clock skew both ways", async () => {
    await allows(tokenFor({ iat: now(), exp: now() + 3600 }));
    await allows(tokenFor({ iat: now() - 60, exp: now() - 60 + 3600 + 300 }));
    await allows(tokenFor({ iat: now() + 240, exp: now() + 240 + 3600 }));
  });

  it("refuses exp = 1e300 (allowed before)", () => deny(tokenFor({ exp: 1e300 }), "token_lifetime"));
  it("refuses iat ten years in the future (allowed before)", () => deny(tokenFor({ iat: now() + 10 * YEAR, exp: now() + 10 * YEAR + 3600 }), "token_lifetime"));
  it("refuses iat six minutes in the future (allowed before)", () => deny(tokenFor({ iat: now() + 360, exp: now() + 360 + 3600 }), "token_lifetime"));
  it("refuses a token without iat (allowed before)", () => deny(tokenFor({ iat: undefined }), "token_lifetime"));
  it.each([["a string", String(now())], ["null", null], ["an object", { n: 1 }]])("refuses iat that is %s (aws-jwt-verify's own check)", (_name, iat) =>
    deny(tokenFor({ iat }), "token_invalid"));
  it("refuses exp - iat one second over validity + skew (allowed before)", () =>
    deny(tokenFor({ iat: now() - 60, exp: now() - 60 + 3600 + 301 }), "token_lifetime"));
  it("refuses an old iat with a fresh exp: a ten-year lifetime (allowed before)", () => deny(tokenFor({ iat: now() - 10 * YEAR }), "token_lifetime"));
  it("still reports an expired token as expired", () => deny(tokenFor({ iat: 1_600_000_000, exp: 1_600_003_600 }), "token_expired"));

  it("follows accessTokenValidityMinutes: a 2-hour token passes at 120, a 1-hour token fails at 5", async () => {
    const twoHours = tokenFor({ iat: now(), exp: now() + 7200 });
    await deny(twoHours, "token_lifetime");
    await allows(twoHours, createAuthorizer({ userPoolId: USER_POOL_ID, clientId: CLIENT_ID, jwks: jwksOf(key), accessTokenValidityMinutes: 120 }));
    const short = createAuthorizer({ userPoolId: USER_POOL_ID, clientId: CLIENT_ID, jwks: jwksOf(key), accessTokenValidityMinutes: 5 });
    await deny(tokenFor(), "token_lifetime", certA, short);
    await allows(tokenFor({ iat: now(), exp: now() + 300 }), short);
  });

  it.each([0, 4, 1441, 7.5, Number.NaN, Infinity, "60", null])("createAuthorizer refuses accessTokenValidityMinutes %p", (value) => {
    expect(() => createAuthorizer({ userPoolId: USER_POOL_ID, clientId: CLIENT_ID, accessTokenValidityMinutes: value as number }))
      .toThrow("createAuthorizer: accessTokenValidityMinutes must be a whole number of minutes from 5 to 1440");
  });
});

describe("a JWS crit header is refused (item 3)", () => {
  it.each([
    ["crit: [\"exp\"]", { crit: ["exp"] }],
    ["crit: [] (empty)", { crit: [] }],
    ["RFC 7797 unencoded payload, b64: false", { crit: ["b64"], b64: false }],
    ["crit naming an unknown extension", { crit: ["urn:example:must-understand"], "urn:example:must-understand": true }],
    ["crit: null", { crit: null }],
  ])("%s (allowed before)", (_name, header) => deny(tokenFor({}, header), "token_invalid"));
});

describe("keys named in the token header are never used or fetched", () => {
  let fetches: string[];
  beforeEach(() => {
    fetches = [];
    // The network is the true edge: count every attempt; none may happen.
    jest.spyOn(require("aws-jwt-verify/https"), "fetch").mockImplementation(async (uri: unknown) => {
      fetches.push(String(uri));
      throw new Error("no network in this test");
    });
  });
  afterEach(() => expect(fetches).toEqual([]));

  const attackerSigned = (header: Record<string, unknown>, kid = attackerKey.kid) =>
    signJwt({ ...attackerKey, kid }, accessTokenClaims(boundTo(certA)), header);
  it("jku pointing at the attacker's JWKS", () => deny(attackerSigned({ jku: "https://attacker.example/jwks.json" }), "token_invalid"));
  it("jku with our kid", () => deny(attackerSigned({ jku: "https://attacker.example/jwks.json" }, key.kid), "token_invalid"));
  it("x5u pointing at the attacker's certificate", () => deny(attackerSigned({ x5u: "https://attacker.example/cert.pem" }), "token_invalid"));
  it("the attacker's key embedded as jwk", () => deny(attackerSigned({ jwk: attackerKey.jwk }), "token_invalid"));
  it("the attacker's key embedded as jwk under our kid", () => deny(attackerSigned({ jwk: { ...attackerKey.jwk, kid: key.kid } }, key.kid), "token_invalid"));
  it("an x5c chain of a certificate the attacker holds", () =>
    deny(attackerSigned({ x5c: [certB.der.toString("base64")] }), "token_invalid"));
  it("a foreign kid", () => deny(attackerSigned({}), "token_invalid"));
});

describe("duplicate member names: the verified claims are the claims bound (last one wins, RFC 7519 §4)", () => {
  const claimsJson = (extra: string) => JSON.stringify(accessTokenClaims(boundTo(certA))).replace(/}$/, `,${extra}}`);
  const headerJson = (extra = "") => `{"kid":"${key.kid}","alg":"RS256"${extra}}`;

  it("cnf naming the presented certificate first and another last", () =>
    deny(signRawJwt(key, headerJson(), claimsJson(`"cnf":{"x5t#S256":"${x5t(certB.der)}"}`)), "cnf_mismatch"));
  it("x5t#S256 duplicated inside cnf", () =>
    deny(signRawJwt(key, headerJson(), claimsJson(`"cnf":{"x5t#S256":"${x5t(certA.der)}","x5t#S256":"${x5t(certB.der)}"}`)), "cnf_mismatch"));
  it("token_use access, then id", () => deny(signRawJwt(key, headerJson(), claimsJson('"token_use":"id"')), "token_invalid"));
  it("our client_id, then another", () => deny(signRawJwt(key, headerJson(), claimsJson('"client_id":"someoneelse"')), "token_invalid"));
  it("a valid exp, then an expired one", () => deny(signRawJwt(key, headerJson(), claimsJson(`"exp":${now() - 10}`)), "token_expired"));
  it("alg RS256, then none", () => deny(signRawJwt(key, headerJson(',"alg":"none"'), claimsJson('"x":1')), "token_invalid"));
  it("our kid, then a foreign one", () => deny(signRawJwt(key, headerJson(`,"kid":"${attackerKey.kid}"`), claimsJson('"x":1')), "token_invalid"));
  it("a duplicate cnf appended to a genuine token after signing", () => {
    const [header, payload, signature] = tokenFor().split(".");
    const text = Buffer.from(payload, "base64url").toString().replace(/}$/, `,"cnf":{"x5t#S256":"${x5t(certB.der)}"}}`);
    return deny(`${header}.${Buffer.from(text).toString("base64url")}.${signature}`, "token_invalid", certB);
  });
});

describe("cnf shapes and thumbprint forms", () => {
  const a = () => x5t(certA.der);
  const opensslForm = () => createHash("sha256").update(certA.der).digest("hex").toUpperCase().match(/../g)!.join(":");
  it.each<[string, () => unknown, string]>([
    ["cnf null", () => null, "cnf_missing"],
    ["cnf as a JSON string", () => JSON.stringify({ "x5t#S256": a() }), "cnf_invalid"],
    ["x5t#S256 null", () => ({ "x5t#S256": null }), "cnf_invalid"],
    ["x5t#S256 in an array", () => ({ "x5t#S256": [a()] }), "cnf_invalid"],
    ["x5t#S256 empty", () => ({ "x5t#S256": "" }), "cnf_mismatch"],
    ["x5t#S256 with a trailing space", () => ({ "x5t#S256": `${a()} ` }), "cnf_mismatch"],
    ["x5t#S256 in upper case", () => ({ "x5t#S256": a().toUpperCase() }), "cnf_mismatch"],
    ["openssl's AB:CD form", () => ({ "x5t#S256": opensslForm() }), "cnf_mismatch"],
    ["the thumbprint under look-alike member names", () => ({ "x5t#S256 ": a(), "x5t#s256": a() }), "cnf_missing"],
  ])("%s", (_name, cnf, reason) => deny(tokenFor({ cnf: cnf() }), reason));
});

describe("the presented certificate must be exactly one PEM certificate", () => {
  const pemOf = (der: Buffer, label = "CERTIFICATE") => `-----BEGIN ${label}-----\n${der.toString("base64").replace(/.{64}/g, "$&\n")}\n-----END ${label}-----\n`;
  const deniedWith = (certPem: string) => expectDenied(authorize, requestAuthorizerEvent({ authorization: `Bearer ${tokenFor()}`, certPem }), "cert_invalid", log);

  it("another certificate followed by the bound one", () => deniedWith(certB.pem + certA.pem));
  it("the bound certificate twice", () => deniedWith(certA.pem + certA.pem));
  it("the bound certificate and its private key", () => deniedWith(certA.pem + certA.privateKeyPem));
  it("text before the block", () => deniedWith(`subject=CN=client-a\n${certA.pem}`));
  it("text after the block", () => deniedWith(`${certA.pem}trailing`));
  it("a block nested inside the bound one", () => deniedWith(certA.pem.replace("\n", `\n${certB.pem}`)));
  it("two certificates' DER in one block", () => deniedWith(pemOf(Buffer.concat([certA.der, certB.der]))));
  it("the bound DER with trailing bytes", () => deniedWith(pemOf(Buffer.concat([certA.der, Buffer.from([0])]))));
  it("a TRUSTED CERTIFICATE label", () => deniedWith(pemOf(certA.der, "TRUSTED CERTIFICATE")));
});

describe("one unambiguous Authorization value", () => {
  const bearer = (cert: IssuedCertificate) => `Bearer ${signJwt(key, accessTokenClaims(boundTo(cert)))}`;
  const event = (headers: Record<string, unknown>, multiValueHeaders: Record<string, unknown>) =>
    ({ ...requestAuthorizerEvent({ certPem: certA.pem }), headers, multiValueHeaders });

  it("two tokens joined by a comma in one value", () =>
    expectDenied(authorize, requestAuthorizerEvent({ authorization: `${bearer(certA)}, ${bearer(certA)}`, certPem: certA.pem }), "token_invalid", log));
  it("the scheme twice", () =>
    expectDenied(authorize, requestAuthorizerEvent({ authorization: `Bearer ${bearer(certA)}`, certPem: certA.pem }), "token_invalid", log));
  it("headers has one value, multiValueHeaders that one and another", () =>
    expectDenied(authorize, event({ Authorization: bearer(certA) }, { Authorization: [bearer(certA), bearer(certB)] }), "multiple_tokens", log));
  it("a valid value and an empty one", () =>
    expectDenied(authorize, event({}, { Authorization: [bearer(certA), ""] }), "multiple_tokens", log));
  it("a value that is a list in the single-value map", () =>
    expectDenied(authorize, event({ Authorization: [bearer(certA)] }, {}), "token_invalid", log));
  it("the token in another header than Authorization", () =>
    expectDenied(authorize, event({ "X-Authorization": bearer(certA) }, { "X-Authorization": [bearer(certA)] }), "missing_token", log));
});
