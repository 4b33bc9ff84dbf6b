/**
 * Machine clients' access tokens (client_credentials: `sub` and `client_id` are the client id,
 * no username) on real RS256 tokens and real certificates: the same binding and scope checks as
 * user tokens, tokens of clients that are not configured refused, and the decision log and the
 * context naming the client.
 */
import { createHash, randomUUID } from "node:crypto";
import { createAuthorizer, type AuthorizerHandler } from "../../handlers/authorizer";
import { createCa, issueClientCert, type IssuedCertificate } from "../support/certificates";
import { captureDecisionLog, expectDenied } from "../support/decisions";
import { requestAuthorizerEvent } from "../support/events";
import { captureDecisionLines } from "../support/stdout-lines";
import { accessTokenClaims, CLIENT_ID, createSigningKey, ISSUER, jwksOf, signJwt, USER_POOL_ID, type SigningKey } from "../support/tokens";
import { ROUTE_SCOPES_FILE } from "../../handlers/lib/packaged-data";
import { packageFolder } from "../support/packaged-data";

const MACHINE_A = "6k2q7mbl0s5j3vcf1r8d4hn9pa";
const MACHINE_B = "1hq8c3o0v2tmd7s4kbg9fen5ru";
const ROUTES = { "GET /example": ["cbat/invoke"], "PUT /example": ["cbat/invoke", "accounts/write"] };
const x5t = (cert: IssuedCertificate) => createHash("sha256").update(cert.der).digest("base64url");

let key: SigningKey;
let machineCert: IssuedCertificate;
let userCert: IssuedCertificate;
let authorize: AuthorizerHandler;
const log = captureDecisionLog();

beforeAll(async () => {
  key = createSigningKey();
  const ca = await createCa();
  machineCert = await issueClientCert(ca, "CN=partner-a,O=cbat tests", "ecdsa");
  userCert = await issueClientCert(ca, "CN=alice,O=cbat tests");
  authorize = createAuthorizer({ userPoolId: USER_POOL_ID, clientId: CLIENT_ID, machineClientIds: [MACHINE_A, MACHINE_B], jwks: jwksOf(key), routeScopes: ROUTES });
});

/** A client-credentials access token as Cognito issues it (V3_0 trigger), bound to `bound`. */
function machineToken(clientId = MACHINE_A, bound: IssuedCertificate | null = machineCert, scope = "cbat/invoke") {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(key, {
    sub: clientId, client_id: clientId, token_use: "access", scope, auth_time: now, iss: ISSUER, exp: now + 3600, iat: now, version: 2, jti: randomUUID(),
    ...(bound ? { cnf: { "x5t#S256": x5t(bound) } } : {}),
  });
}
const event = (token: string, presented: IssuedCertificate, method = "GET") => ({
  ...requestAuthorizerEvent({ authorization: `Bearer ${token}`, certPem: presented.pem }),
  httpMethod: method,
  methodArn: `arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/prod/${method}/example`,
});

it("allows a machine token with its registered certificate; sub and clientId are the client id", async () => {
  const result = await authorize(event(machineToken(), machineCert));
  expect(result.policyDocument.Statement[0].Effect).toBe("Allow");
  expect(result.principalId).toBe(MACHINE_A);
  expect(result.context).toMatchObject({ sub: MACHINE_A, clientId: MACHINE_A, username: "", scope: "cbat/invoke", x5tS256: x5t(machineCert) });
  expect(JSON.parse(log.lines[0])).toEqual(expect.objectContaining({ decision: "Allow", reason: "cert_bound", sub: MACHINE_A, clientId: MACHINE_A }));
});

it("accepts every configured machine client, and still the user client", async () => {
  expect((await authorize(event(machineToken(MACHINE_B), machineCert))).context.clientId).toBe(MACHINE_B);
  const userToken = signJwt(key, accessTokenClaims({ scope: "aws.cognito.signin.user.admin cbat/invoke", cnf: { "x5t#S256": x5t(userCert) } }));
  const result = await authorize(event(userToken, userCert));
  expect(result.context).toMatchObject({ clientId: CLIENT_ID, username: "alice" });
  expect(JSON.parse(log.lines[log.lines.length - 1])).toMatchObject({ decision: "Allow", clientId: CLIENT_ID, sub: "6f1e9d5c-5a4b-4c3d-9e8f-0123456789ab" });
});

it("refuses a machine token presented with another trusted certificate (a user's), naming the client in the log", async () => {
  await expectDenied(authorize, event(machineToken(), userCert), "cnf_mismatch", log);
  expect(JSON.parse(log.lines[0])).toMatchObject({ sub: MACHINE_A, clientId: MACHINE_A });
});

it("refuses a user's token presented with the machine's certificate", async () => {
  const userToken = signJwt(key, accessTokenClaims({ cnf: { "x5t#S256": x5t(userCert) } }));
  await expectDenied(authorize, event(userToken, machineCert), "cnf_mismatch", log);
});

it("refuses an unbound machine token (what a V2_0 trigger would let Cognito issue)", async () => {
  await expectDenied(authorize, event(machineToken(MACHINE_A, null), machineCert), "cnf_missing", log);
});

it("refuses the token of a client that is not configured, even when bound", async () => {
  await expectDenied(authorize, event(machineToken("9zz9zz9zz9zz9zz9zz9zz9zz9z"), machineCert), "token_invalid", log);
  const alone = createAuthorizer({ userPoolId: USER_POOL_ID, clientId: CLIENT_ID, jwks: jwksOf(key) });
  await expectDenied(alone, event(machineToken(), machineCert), "token_invalid", log);
});

it("denies (403, insufficient_scope) a machine token without the route's scope", async () => {
  const result = await authorize(event(machineToken(), machineCert, "PUT"));
  expect(result.policyDocument.Statement[0].Effect).toBe("Deny");
  expect(JSON.parse(log.lines[0])).toMatchObject({ decision: "Deny", reason: "insufficient_scope", clientId: MACHINE_A });
  const writer = await authorize(event(machineToken(MACHINE_A, machineCert, "cbat/invoke accounts/write"), machineCert, "PUT"));
  expect(writer.policyDocument.Statement[0].Effect).toBe("Allow");
});

it.each([[["ok", ""]], [[42]], ["6k2q7mbl0s5j3vcf1r8d4hn9pa"]])("refuses machineClientIds %p when created", (ids) => {
  expect(() => createAuthorizer({ userPoolId: USER_POOL_ID, clientId: CLIENT_ID, machineClientIds: ids as never, jwks: jwksOf(key) })).toThrow(/machineClientIds/);
});

it("the Lambda entry point reads MACHINE_CLIENT_IDS (comma-separated)", async () => {
  const saved = { ...process.env };
  try {
    Object.assign(process.env, { USER_POOL_ID, USER_POOL_CLIENT_ID: CLIENT_ID, MACHINE_CLIENT_IDS: `${MACHINE_A},${MACHINE_B}` });
    let module: typeof import("../../handlers/authorizer") | undefined;
    const folder = packageFolder({ [ROUTE_SCOPES_FILE]: JSON.stringify(ROUTES) });
    jest.isolateModules(() => {
      // The pool's JWKS endpoint (the network edge) answers with the test key set.
      jest.spyOn(require("aws-jwt-verify/https"), "fetch").mockImplementation(async () => new TextEncoder().encode(JSON.stringify(jwksOf(key))).buffer);
      module = require("../../handlers/authorizer");
    });
    expect((await module!.handler(event(machineToken(MACHINE_B), machineCert))).context.clientId).toBe(MACHINE_B);
    process.env.MACHINE_CLIENT_IDS = "";
    jest.isolateModules(() => {
      jest.spyOn(require("aws-jwt-verify/https"), "fetch").mockImplementation(async () => new TextEncoder().encode(JSON.stringify(jwksOf(key))).buffer);
      module = require("../../handlers/authorizer");
    });
    folder.remove();
    // The entry point writes its decision lines straight to stdout (the metric filters read them there).
    const decisions = captureDecisionLines();
    await expect(module!.handler(event(machineToken(MACHINE_B), machineCert))).rejects.toThrow(/^Unauthorized$/);
    expect(decisions.map((line) => JSON.parse(line))).toEqual([expect.objectContaining({ decision: "Deny", reason: "token_invalid" })]); // not verified: no clientId to name
  } finally {
    process.env = saved;
  }
});

it("with the registry (MACHINE_BINDINGS_PATH on AWS): a registered client's bound token passes, an unregistered or re-registered one does not", async () => {
  const registry = new Map([[MACHINE_A, x5t(machineCert)], [MACHINE_B, x5t(userCert)]]);
  const lookups: string[] = [];
  const fromRegistry = createAuthorizer({
    userPoolId: USER_POOL_ID, clientId: CLIENT_ID, jwks: jwksOf(key), routeScopes: ROUTES,
    machineClientRegistry: async (id) => {
      lookups.push(id);
      return registry.get(id);
    },
  });
  expect((await fromRegistry(event(machineToken(MACHINE_A), machineCert))).policyDocument.Statement[0].Effect).toBe("Allow");
  // Registered with another certificate now: the old certificate's token is refused.
  await expect(fromRegistry(event(machineToken(MACHINE_B), machineCert))).rejects.toThrow(/^Unauthorized$/);
  expect(JSON.parse(log.lines[log.lines.length - 1])).toMatchObject({ decision: "Deny", reason: "cnf_mismatch", clientId: MACHINE_B });
  await expect(fromRegistry(event(machineToken("notregistered00000000000001"), machineCert))).rejects.toThrow(/^Unauthorized$/);
  expect(JSON.parse(log.lines[log.lines.length - 1])).toMatchObject({ decision: "Deny", reason: "token_invalid" });
  // The users' client needs no lookup.
  const userToken = signJwt(key, accessTokenClaims({ scope: "aws.cognito.signin.user.admin cbat/invoke", cnf: { "x5t#S256": x5t(userCert) } }));
  expect((await fromRegistry(event(userToken, userCert))).policyDocument.Statement[0].Effect).toBe("Allow");
  expect(lookups).toEqual([MACHINE_A, MACHINE_B, "notregistered00000000000001"]);
});
