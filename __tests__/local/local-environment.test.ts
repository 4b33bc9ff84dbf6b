/**
 * The local environment end to end, with real TLS handshakes, real tokens and real clients:
 * Node's https client, curl, and the AWS SDK v3 Cognito client pointed at the local issuer.
 * Everything runs the bundles the stack synthesizes.
 */
import { execFileSync } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AdminCreateUserCommand, AdminGetUserCommand, AdminSetUserPasswordCommand, AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient, InitiateAuthCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { startLocalEnvironment, type LocalEnvironment } from "../../local/local-environment";
import { LOCK_FILE } from "../../local/state-lock";
import { curl, mtlsRequest } from "../support/mtls-client";

let env: LocalEnvironment;
let cognito: CognitoIdentityProviderClient;
let demoPassword: string;
const PASSWORD = "Correct-Horse-9-Battery";

beforeAll(async () => {
  jest.spyOn(console, "log").mockImplementation(() => undefined); // the authorizer's decision log
  env = await startLocalEnvironment({ dir: mkdtempSync(join(tmpdir(), "cbat-local-")), issuerPort: 0, gatewayPort: 0 });
  cognito = new CognitoIdentityProviderClient({
    region: env.summary.region,
    endpoint: env.summary.issuerEndpoint,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  demoPassword = readFileSync(env.summary.demoPasswordFile, "utf8");
}, 60_000);

afterAll(async () => {
  cognito?.destroy();
  await env?.close();
  jest.restoreAllMocks();
});

const pki = () => env.summary.pki;
const x5t = (pemFile: string) => createHash("sha256").update(new X509Certificate(readFileSync(pemFile)).raw).digest("base64url");

async function signIn(username: string, password: string) {
  const result = await cognito.send(new InitiateAuthCommand({
    AuthFlow: "USER_PASSWORD_AUTH", ClientId: env.summary.clientId, AuthParameters: { USERNAME: username, PASSWORD: password },
  }));
  return result.AuthenticationResult!;
}

function callWith(cert: "client" | "client2" | "rogue" | "expired" | null, token?: string) {
  return mtlsRequest({
    url: `${env.summary.gatewayUrl}/example`,
    ca: pki().ca,
    cert: cert ? pki()[cert] : undefined,
    key: cert ? pki()[`${cert}Key`] : undefined,
    headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
  });
}

function claimsOf(token: string) {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
}

async function createUser(username: string, fingerprint?: string) {
  await cognito.send(new AdminCreateUserCommand({
    UserPoolId: env.summary.userPoolId, Username: username, MessageAction: "SUPPRESS",
    UserAttributes: [{ Name: "email", Value: `${username}@example.com` }, ...(fingerprint ? [{ Name: "custom:cert_fingerprint", Value: fingerprint }] : [])],
  }));
  await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: env.summary.userPoolId, Username: username, Password: PASSWORD, Permanent: true }));
}

it("writes the summary with the ids and PKI paths", () => {
  const summary = JSON.parse(readFileSync(env.summaryFile, "utf8"));
  expect(summary).toMatchObject({ region: "eu-west-1", userPoolId: "eu-west-1_cbatLocal", demoUser: "demo" });
  for (const key of ["region", "userPoolId", "clientId", "issuerEndpoint", "gatewayUrl"]) expect(summary[key]).toEqual(expect.any(String));
  for (const name of ["ca", "server", "client", "clientKey", "client2", "client2Key", "rogue", "rogueKey", "expired", "expiredKey"]) expect(summary.pki[name]).toMatch(/\.pem$/);
});

it("serves the JWKS that verifies its tokens at /<poolId>/.well-known/jwks.json", async () => {
  const response = await fetch(`${env.summary.issuerEndpoint}/${env.summary.userPoolId}/.well-known/jwks.json`);
  const jwks = (await response.json()) as { keys: Array<Record<string, unknown>> };
  expect(jwks.keys[0]).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig" });
  const { AccessToken } = await signIn("demo", demoPassword);
  const header = JSON.parse(Buffer.from(AccessToken!.split(".")[0], "base64url").toString());
  expect(header).toEqual({ kid: jwks.keys[0].kid, alg: "RS256" });
});

it("issues Cognito-shaped access tokens bound to the demo user's certificate", async () => {
  const { AccessToken, IdToken, RefreshToken, ExpiresIn, TokenType } = await signIn("demo", demoPassword);
  expect({ ExpiresIn, TokenType }).toEqual({ ExpiresIn: 3600, TokenType: "Bearer" });
  expect(RefreshToken).toEqual(expect.any(String));
  const claims = claimsOf(AccessToken!);
  expect(claims).toMatchObject({
    iss: `https://cognito-idp.eu-west-1.amazonaws.com/${env.summary.userPoolId}`,
    token_use: "access", client_id: env.summary.clientId, username: "demo",
    cnf: { "x5t#S256": x5t(pki().client) },
  });
  for (const claim of ["sub", "auth_time", "iat", "exp", "jti"]) expect(claims[claim]).toBeDefined();
  // The trigger suppressed the only scope (Cognito's self-service one): a stolen token cannot change the account at Cognito.
  expect(claims.scope).toBeUndefined();
  expect(claimsOf(IdToken!)).toMatchObject({ token_use: "id", aud: env.summary.clientId, "cognito:username": "demo" });
});

it("answers 200 with the hello body to the bound certificate (node https and curl)", async () => {
  const { AccessToken } = await signIn("demo", demoPassword);
  const response = await callWith("client", AccessToken);
  expect(response.status).toBe(200);
  const body = JSON.parse(response.body);
  expect(body.message).toBe("Hello from the example function!");
  expect(body.event.requestContext.authorizer).toMatchObject({ username: "demo", x5tS256: x5t(pki().client), principalId: claimsOf(AccessToken!).sub });
  expect(body.event.requestContext.identity.clientCert.subjectDN).toBe("CN=demo client,O=cbat local");
  // API Gateway's documented form: lowercase hex octets joined by colons (see local/mtls-gateway.ts).
  const serial = execFileSync("openssl", ["x509", "-in", pki().client, "-noout", "-serial"]).toString().trim().replace(/^serial=/, "");
  expect(body.event.requestContext.identity.clientCert.serialNumber).toBe(serial.toLowerCase().match(/../g)!.join(":"));
  expect(body.event.requestContext.identity.clientCert.serialNumber).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2})+$/);
  expect(response.body).not.toContain(AccessToken!);

  const viaCurl = await curl(["-sS", "--cert", pki().client, "--key", pki().clientKey, "--cacert", pki().ca,
    "-H", `Authorization: ${AccessToken}`, `${env.summary.gatewayUrl}/example`]); // bare token, like the original's curl
  expect(viaCurl.code).toBe(0);
  expect(JSON.parse(viaCurl.stdout).message).toBe("Hello from the example function!");
});

it("refuses the token with another trusted certificate, also right after a successful call", async () => {
  const { AccessToken } = await signIn("demo", demoPassword);
  const stolen = await callWith("client2", AccessToken);
  expect(stolen.status).toBe(401);
  expect(stolen.headers["www-authenticate"]).toBe('Bearer error="invalid_token"');
  expect((await callWith("client", AccessToken)).status).toBe(200);
  const replay = await callWith("client2", AccessToken);
  expect(replay.status).toBe(401);
  const viaCurl = await curl(["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cert", pki().client2, "--key", pki().client2Key, "--cacert", pki().ca,
    "-H", `Authorization: Bearer ${AccessToken}`, `${env.summary.gatewayUrl}/example`]);
  expect(viaCurl.stdout).toBe("401");
});

it.each(["rogue", "expired", null] as const)("refuses the TLS handshake for %s certificates", async (cert) => {
  const { AccessToken } = await signIn("demo", demoPassword);
  await expect(callWith(cert, AccessToken)).rejects.toThrow();
  const args = cert ? ["--cert", pki()[cert], "--key", pki()[`${cert}Key`]] : [];
  const viaCurl = await curl(["-s", "--cacert", pki().ca, ...args, "-H", `Authorization: Bearer ${AccessToken}`, `${env.summary.gatewayUrl}/example`]);
  expect(viaCurl.code).not.toBe(0); // curl 35/56: no HTTP exchange
  expect(viaCurl.stdout).toBe("");
});

it("answers 401 without a token, with a tampered token, and with an id token", async () => {
  const { AccessToken, IdToken } = await signIn("demo", demoPassword);
  const [header, , signature] = AccessToken!.split(".");
  const forged = Buffer.from(JSON.stringify({ ...claimsOf(AccessToken!), cnf: { "x5t#S256": x5t(pki().client2) } })).toString("base64url");
  for (const [cert, token] of [["client", undefined], ["client2", `${header}.${forged}.${signature}`], ["client", IdToken]] as const) {
    const response = await callWith(cert, token);
    expect(response.status).toBe(401);
    expect(response.headers["www-authenticate"]).toBe('Bearer error="invalid_token"');
  }
});

it("refreshes to a new access token that is still bound", async () => {
  const { RefreshToken, AccessToken } = await signIn("demo", demoPassword);
  const refreshed = await cognito.send(new InitiateAuthCommand({ AuthFlow: "REFRESH_TOKEN_AUTH", ClientId: env.summary.clientId, AuthParameters: { REFRESH_TOKEN: RefreshToken! } }));
  const token = refreshed.AuthenticationResult!.AccessToken!;
  expect(token).not.toBe(AccessToken);
  expect(claimsOf(token).cnf).toEqual({ "x5t#S256": x5t(pki().client) });
  expect((await callWith("client", token)).status).toBe(200);
  expect((await callWith("client2", token)).status).toBe(401);
});

it("rebinding a user to client2.pem makes new tokens work only with client2.pem", async () => {
  await createUser("rebind", x5t(pki().client));
  const before = (await signIn("rebind", PASSWORD)).AccessToken!;
  await cognito.send(new AdminUpdateUserAttributesCommand({
    UserPoolId: env.summary.userPoolId, Username: "rebind", UserAttributes: [{ Name: "custom:cert_fingerprint", Value: x5t(pki().client2) }],
  }));
  const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: env.summary.userPoolId, Username: "rebind" }));
  expect(user.UserAttributes).toEqual(expect.arrayContaining([{ Name: "custom:cert_fingerprint", Value: x5t(pki().client2) }]));
  const after = (await signIn("rebind", PASSWORD)).AccessToken!;
  expect((await callWith("client2", after)).status).toBe(200);
  expect((await callWith("client", after)).status).toBe(401);
  expect((await callWith("client", before)).status).toBe(200); // an old token keeps its binding until it expires
});

it("accepts a fingerprint stored in the original README's format (standard base64, = stripped)", async () => {
  const readmeForm = execFileSync("bash", ["-c", `openssl x509 -in '${pki().client2}' -noout -fingerprint -sha256 | cut -d'=' -f2 | tr -d ':' | xxd -r -p | base64 | tr -d '='`]).toString().trim();
  // Standard base64 without padding (it differs from base64url whenever the digest encodes to '+' or '/').
  expect(readmeForm).toBe(createHash("sha256").update(new X509Certificate(readFileSync(pki().client2)).raw).digest("base64").replace(/=+$/, ""));
  await createUser("readme", readmeForm);
  const token = (await signIn("readme", PASSWORD)).AccessToken!;
  expect(claimsOf(token).cnf).toEqual({ "x5t#S256": x5t(pki().client2) });
  expect((await callWith("client2", token)).status).toBe(200);
});

it("gives a user without a fingerprint no token: the trigger fails closed", async () => {
  await createUser("unbound");
  await expect(signIn("unbound", PASSWORD)).rejects.toMatchObject({
    name: "UserLambdaValidationException",
    message: expect.stringContaining("custom:cert_fingerprint"),
  });
});

it("answers in Cognito's error shape", async () => {
  await expect(signIn("demo", "Wrong-password-1")).rejects.toMatchObject({ name: "NotAuthorizedException", $metadata: { httpStatusCode: 400 } });
  await expect(signIn("nobody", "Wrong-password-1")).rejects.toMatchObject({ name: "NotAuthorizedException" });
  await expect(cognito.send(new AdminGetUserCommand({ UserPoolId: env.summary.userPoolId, Username: "nobody" }))).rejects.toMatchObject({ name: "UserNotFoundException" });
  await expect(cognito.send(new AdminCreateUserCommand({ UserPoolId: env.summary.userPoolId, Username: "x", UserAttributes: [{ Name: "custom:other", Value: "v" }] })))
    .rejects.toMatchObject({ name: "InvalidParameterException" });
  await expect(cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: env.summary.userPoolId, Username: "demo", Password: "short", Permanent: true })))
    .rejects.toMatchObject({ name: "InvalidPasswordException" });
  const users = readFileSync(join(env.summaryFile, "..", "users.json"), "utf8");
  expect(users).not.toContain(PASSWORD);
  expect(users).not.toContain(demoPassword);
});

describe("with the authorizer result TTL the original used (300 s)", () => {
  let cached: LocalEnvironment;
  beforeAll(async () => {
    // The same synthesized stack with one setting changed, to show what TTL 0 prevents.
    const stackDir = join(mkdtempSync(join(tmpdir(), "cbat-ttl-")), "stack");
    cpSync(join(env.summaryFile, "..", "cdktf.out", "stacks", "cert-bound-api"), stackDir, { recursive: true });
    const file = join(stackDir, "cdk.tf.json");
    const stack = JSON.parse(readFileSync(file, "utf8"));
    for (const authorizer of Object.values<any>(stack.resource.aws_api_gateway_authorizer)) authorizer.authorizer_result_ttl_in_seconds = 300;
    writeFileSync(file, JSON.stringify(stack));
    // A copy of the state (same users, client id and signing key, so the first issuer's tokens verify); not its lock.
    const dir = join(mkdtempSync(join(tmpdir(), "cbat-ttl-state-")), "state");
    cpSync(join(env.summaryFile, ".."), dir, { recursive: true, filter: (source) => !source.endsWith(LOCK_FILE) && !source.includes("cdktf.out") });
    cached = await startLocalEnvironment({ dir, issuerPort: 0, gatewayPort: 0, stackDir });
  }, 60_000);
  afterAll(() => cached?.close());

  it("replays a cached Allow to another certificate: the theft the binding exists to stop", async () => {
    const token = (await signIn("demo", demoPassword)).AccessToken!;
    const call = (cert: "client" | "client2") => mtlsRequest({
      url: `${cached.summary.gatewayUrl}/example`, ca: pki().ca, cert: pki()[cert], key: pki()[`${cert}Key`], headers: { Authorization: `Bearer ${token}` },
    });
    expect((await call("client2")).status).toBe(401); // Deny is not cached
    expect((await call("client")).status).toBe(200);
    expect((await call("client2")).status).toBe(200); // cached Allow, keyed by the token alone
  });
});
