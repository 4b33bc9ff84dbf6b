/**
 * Per-route scopes on real RS256 tokens and real certificates: a verified, bound token
 * without a route's scope gets a Deny policy (API Gateway: 403 insufficient_scope); an
 * unbound or invalid one still gets 401; a route the table does not list is refused.
 */
import { createHash } from "node:crypto";
import { createAuthorizer, type AuthorizerHandler } from "../../handlers/authorizer";
import { grantsScopes, parseRouteScopes, requiredScopesOf } from "../../handlers/lib/route-scopes";
import { createCa, issueClientCert, type IssuedCertificate } from "../support/certificates";
import { requestAuthorizerEvent } from "../support/events";
import { accessTokenClaims, CLIENT_ID, createSigningKey, jwksOf, signJwt, USER_POOL_ID, type SigningKey } from "../support/tokens";

const ROUTES = {
  "GET /accounts/{id}": ["accounts/read"],
  "PUT /accounts/{id}": ["accounts/read", "accounts/write"],
  "GET /health": [],
};
const x5t = (der: Buffer) => createHash("sha256").update(der).digest("base64url");

let key: SigningKey;
let cert: IssuedCertificate;
let otherCert: IssuedCertificate;
let authorize: AuthorizerHandler;
let logLines: string[];

beforeAll(async () => {
  key = createSigningKey();
  const ca = await createCa();
  cert = await issueClientCert(ca, "CN=scoped,O=cbat tests", "ecdsa");
  otherCert = await issueClientCert(ca, "CN=other,O=cbat tests", "rsa");
  authorize = createAuthorizer({ userPoolId: USER_POOL_ID, clientId: CLIENT_ID, jwks: jwksOf(key), routeScopes: ROUTES });
});
beforeEach(() => {
  logLines = [];
  jest.spyOn(console, "log").mockImplementation((line: string) => void logLines.push(line));
});
afterEach(() => jest.restoreAllMocks());

/** A REQUEST event for `method resource` (the matched template) carrying `token` over `presented`. */
function event(method: string, resource: string, token: string, presented = cert) {
  const base = requestAuthorizerEvent({ authorization: `Bearer ${token}`, certPem: presented.pem });
  const path = resource.replace("{id}", "acc-7");
  return { ...base, httpMethod: method, resource, path, methodArn: `arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/prod/${method}${path}` };
}
const token = (scope: string, bound = cert) => signJwt(key, accessTokenClaims({ scope, cnf: { "x5t#S256": x5t(bound.der) } }));
const lastLog = () => JSON.parse(logLines[logLines.length - 1]);

it("allows a bound token that carries every scope of the route", async () => {
  const result = await authorize(event("PUT", "/accounts/{id}", token("accounts/write aws.cognito.signin.user.admin accounts/read")));
  expect(result.policyDocument.Statement).toEqual([{ Action: "execute-api:Invoke", Effect: "Allow", Resource: expect.stringMatching(/\/prod\/PUT\/accounts\/acc-7$/) }]);
  expect(result.context.scope).toContain("accounts/write");
  expect(lastLog()).toMatchObject({ decision: "Allow", reason: "cert_bound" });
});

it("denies (403, insufficient_scope) a bound token that lacks one scope", async () => {
  const result = await authorize(event("PUT", "/accounts/{id}", token("accounts/read")));
  expect(result.policyDocument.Statement).toEqual([expect.objectContaining({ Effect: "Deny" })]);
  expect(lastLog()).toMatchObject({ decision: "Deny", reason: "insufficient_scope", sub: "6f1e9d5c-5a4b-4c3d-9e8f-0123456789ab" });
});

it("matches scopes exactly: a prefix, a substring or another case is not the scope", async () => {
  for (const scope of ["accounts/rea", "accounts/read2", "ACCOUNTS/READ", "xaccounts/read", "accounts/read,accounts/write"]) {
    const result = await authorize(event("GET", "/accounts/{id}", token(scope)));
    expect(result.policyDocument.Statement[0].Effect).toBe("Deny");
  }
});

it("lets a route without scopes pass on the binding alone", async () => {
  const result = await authorize(event("GET", "/health", token("")));
  expect(result.policyDocument.Statement[0].Effect).toBe("Allow");
});

it("keeps 401 for a token with the right scopes but another certificate", async () => {
  await expect(authorize(event("GET", "/accounts/{id}", token("accounts/read"), otherCert))).rejects.toThrow(/^Unauthorized$/);
  expect(lastLog()).toMatchObject({ decision: "Deny", reason: "cnf_mismatch" });
});

it("keeps 401 for an invalid token on a scoped route (scopes are never checked first)", async () => {
  const forged = signJwt(createSigningKey(), accessTokenClaims({ scope: "accounts/read", cnf: { "x5t#S256": x5t(cert.der) } }));
  await expect(authorize(event("GET", "/accounts/{id}", forged))).rejects.toThrow(/^Unauthorized$/);
  expect(lastLog()).toMatchObject({ reason: "token_invalid" });
});

it("refuses a route the table does not list with 403 (route_unknown, not config_error), even with a valid bound token", async () => {
  const denied = await authorize(event("DELETE", "/accounts/{id}", token("accounts/read accounts/write")));
  expect(denied.policyDocument.Statement).toEqual([expect.objectContaining({ Effect: "Deny" })]);
  expect(denied.context).toMatchObject({ sub: "", scope: "", x5tS256: "" }); // nothing about the caller
  expect(lastLog()).toMatchObject({ decision: "Deny", reason: "route_unknown" });
  // Also without any token: a stale or probing path is refused before the token is looked at.
  const probe = await authorize({ ...event("GET", "/.env", token("")), headers: {} });
  expect(probe.policyDocument.Statement[0].Effect).toBe("Deny");
  expect(lastLog()).toMatchObject({ reason: "route_unknown" });
  const noResource = { ...event("GET", "/health", token("")), resource: undefined };
  expect((await authorize(noResource)).policyDocument.Statement[0].Effect).toBe("Deny");
});

it("without a table the binding alone decides (as before this feature)", async () => {
  const unscoped = createAuthorizer({ userPoolId: USER_POOL_ID, clientId: CLIENT_ID, jwks: jwksOf(key) });
  expect((await unscoped(event("DELETE", "/anything", token("")))).policyDocument.Statement[0].Effect).toBe("Allow");
});

it("refuses a malformed table when it is created", () => {
  const create = (routeScopes: unknown) => () => createAuthorizer({ userPoolId: USER_POOL_ID, clientId: CLIENT_ID, jwks: jwksOf(key), routeScopes: routeScopes as never });
  expect(create(["GET /x"])).toThrow(TypeError);
  expect(create({ "GET /x": "accounts/read" })).toThrow(/must be "<METHOD> <path>"/);
  expect(create({ "get-x": [] })).toThrow(TypeError);
});

describe("route-scopes module", () => {
  it("parses the JSON the stack writes, and refuses anything else", () => {
    expect(parseRouteScopes('{"GET /a":["s"]}').get("GET /a")).toEqual(["s"]);
    expect(() => parseRouteScopes("{not json")).toThrow(TypeError);
    expect(() => parseRouteScopes('{"GET /a":[""]}')).toThrow(TypeError);
  });
  it("looks routes up by the event's httpMethod and resource", () => {
    const table = parseRouteScopes(ROUTES);
    expect(requiredScopesOf(table, { httpMethod: "GET", resource: "/accounts/{id}" })).toEqual(["accounts/read"]);
    expect(() => requiredScopesOf(table, { httpMethod: "GET", resource: "/accounts/acc-7" })).toThrow(/route_unknown/);
  });
  it("grants only when every required scope is a whole space-separated word", () => {
    expect(grantsScopes("a b c", ["c", "a"])).toBe(true);
    expect(grantsScopes("a b", ["c"])).toBe(false);
    expect(grantsScopes(undefined, ["a"])).toBe(false);
    expect(grantsScopes(["a"], ["a"])).toBe(false);
    expect(grantsScopes(undefined, [])).toBe(true);
  });
});
