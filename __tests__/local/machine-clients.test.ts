/**
 * Machine clients end to end through `npm run local`'s environment, with real tokens from the
 * local token endpoint (POST /oauth2/token), real certificates and real TLS handshakes (Node's
 * https client and curl), serving the example accounts API with the resource server "accounts".
 */
import { createHash, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CognitoIdentityProviderClient, CreateUserPoolClientCommand, DescribeUserPoolClientCommand, InitiateAuthCommand } from "@aws-sdk/client-cognito-identity-provider";
import { startLocalEnvironment, type LocalEnvironment, type LocalMachineClient } from "../../local/local-environment";
import { instructions } from "../../local/instructions";
import { loadApiDocument } from "../../stacks/api-document";
import { runCli } from "../support/run-cli";
import { curl, mtlsRequest } from "../support/mtls-client";
import { PROJECT_ROOT } from "../support/terraform";

let env: LocalEnvironment;
let cognito: CognitoIdentityProviderClient;
let machine: LocalMachineClient;
const decisions: string[] = [];

beforeAll(async () => {
  jest.spyOn(console, "log").mockImplementation((line: string) => void decisions.push(line)); // the decision lines on the console
  const api = loadApiDocument(join(PROJECT_ROOT, "examples", "accounts-api.yaml"), { "account-readers": ["accounts/read"] }, { resourceServer: "accounts" });
  env = await startLocalEnvironment({ dir: mkdtempSync(join(tmpdir(), "cbat-local-machine-")), issuerPort: 0, gatewayPort: 0, api });
  cognito = new CognitoIdentityProviderClient({ region: env.summary.region, endpoint: env.summary.issuerEndpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  machine = env.summary.machineClients[0];
}, 90_000);

afterAll(async () => {
  cognito?.destroy();
  await env?.close();
  jest.restoreAllMocks();
});

const pki = () => env.summary.pki;
const x5t = (pemFile: string) => createHash("sha256").update(new X509Certificate(readFileSync(pemFile)).raw).digest("base64url");
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;

/** A raw request to the token endpoint. */
async function tokenRequest(form: Record<string, string>, headers: Record<string, string> = {}, method = "POST") {
  const response = await fetch(env.summary.tokenEndpoint, {
    method,
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: method === "POST" ? new URLSearchParams(form) : undefined,
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}
async function machineToken(scope?: string, client: { clientId: string; clientSecret: string } = machine): Promise<string> {
  const response = await tokenRequest({ grant_type: "client_credentials", ...(scope ? { scope } : {}) }, { authorization: basic(client.clientId, client.clientSecret) });
  expect(response.status).toBe(200);
  return response.body.access_token;
}
function call(path: string, cert: "machine" | "client" | "client2", token: string, method = "GET") {
  return mtlsRequest({ url: `${env.summary.gatewayUrl}${path}`, method, ca: pki().ca, cert: pki()[cert], key: pki()[`${cert}Key`], headers: { Authorization: `Bearer ${token}` } });
}

it("lists demo-machine in stack.json (owner-readable: it holds the secret), bound to its own dev certificate", () => {
  const summary = JSON.parse(readFileSync(env.summaryFile, "utf8"));
  expect(summary.tokenEndpoint).toBe(`${env.summary.issuerEndpoint}/oauth2/token`);
  expect(summary.machineClients).toEqual([{ name: "demo-machine", clientId: expect.stringMatching(/^[a-z0-9]{26}$/), clientSecret: expect.stringMatching(/^[a-z0-9]{52}$/), certificate: pki().machine, key: pki().machineKey, scopes: ["accounts/invoke", "accounts/read", "accounts/write"] }]);
  expect(statSync(env.summaryFile).mode & 0o777).toBe(0o600);
  expect(new X509Certificate(readFileSync(pki().machine)).verify(new X509Certificate(readFileSync(pki().ca)).publicKey)).toBe(true);
  expect(instructions(env.summary)).not.toContain(machine.clientSecret); // the printed commands read it from the file
});

it("describes demo-machine like Cognito (AWS SDK v3): its secret, client_credentials, every scope of the resource server", async () => {
  const { UserPoolClient } = await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: env.summary.userPoolId, ClientId: machine.clientId }));
  expect(UserPoolClient).toMatchObject({ ClientName: "demo-machine", ClientSecret: machine.clientSecret, AllowedOAuthFlows: ["client_credentials"], AllowedOAuthFlowsUserPoolClient: true });
  expect([...UserPoolClient!.AllowedOAuthScopes!].sort()).toEqual(["accounts/invoke", "accounts/read", "accounts/write"]);
  await expect(cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: env.summary.userPoolId, ClientId: "nope" }))).rejects.toMatchObject({ name: "ResourceNotFoundException" });
});

it("issues a Cognito-shaped client_credentials token, bound to machine.pem, with the client's scopes", async () => {
  const response = await tokenRequest({ grant_type: "client_credentials" }, { authorization: basic(machine.clientId, machine.clientSecret) });
  expect(response.status).toBe(200);
  expect(response.headers.get("cache-control")).toBe("no-store");
  expect(response.body).toEqual({ access_token: expect.any(String), expires_in: 3600, token_type: "Bearer" });
  const claims = claimsOf(response.body.access_token);
  expect(claims).toMatchObject({ sub: machine.clientId, client_id: machine.clientId, token_use: "access", version: 2, cnf: { "x5t#S256": x5t(pki().machine) } });
  expect(claims.scope.split(" ").sort()).toEqual(["accounts/invoke", "accounts/read", "accounts/write"]);
  expect(claims.username).toBeUndefined();
});

it("accepts the client in the body too, and a subset of its scopes", async () => {
  const response = await tokenRequest({ grant_type: "client_credentials", client_id: machine.clientId, client_secret: machine.clientSecret, scope: "accounts/read" });
  expect(response.status).toBe(200);
  expect(claimsOf(response.body.access_token).scope).toBe("accounts/read");
});

it("answers 200 to the machine token with its bound certificate on a route within its scopes (node https and curl)", async () => {
  const token = await machineToken();
  const response = await call("/accounts/acc-1", "machine", token);
  expect(response.status).toBe(200);
  const viaCurl = await curl(["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cert", pki().machine, "--key", pki().machineKey, "--cacert", pki().ca,
    "-H", `Authorization: Bearer ${token}`, `${env.summary.gatewayUrl}/health`]);
  expect(viaCurl.stdout).toBe("200");
  // The decision lines are in the authorizer's log file; the console gets one short line a request.
  const lines = readFileSync(env.logs.authorizer, "utf8").trim().split("\n");
  const logged = lines.map((line) => JSON.parse(line)).filter((d) => d.clientId === machine.clientId);
  expect(logged[logged.length - 1]).toMatchObject({ decision: "Allow", reason: "cert_bound", sub: machine.clientId, clientId: machine.clientId });
  for (const text of [lines.join("\n"), decisions.join("\n")]) {
    expect(text).not.toContain(machine.clientSecret);
    expect(text).not.toContain(token);
  }
});

it("answers 403 insufficient_scope to a machine token without the route's scope", async () => {
  const readOnly = await machineToken("accounts/read");
  expect((await call("/accounts/acc-1", "machine", readOnly)).status).toBe(200);
  const denied = await call("/accounts/acc-1", "machine", readOnly, "PUT");
  expect(denied.status).toBe(403);
  expect(denied.headers["www-authenticate"]).toBe('Bearer error="insufficient_scope"');
});

it("answers 401 to the machine token with another trusted certificate, the user's bound one included", async () => {
  const token = await machineToken();
  for (const cert of ["client2", "client"] as const) {
    const response = await call("/health", cert, token);
    expect(response.status).toBe(401);
    expect(response.headers["www-authenticate"]).toBe('Bearer error="invalid_token"');
  }
  const viaCurl = await curl(["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cert", pki().client, "--key", pki().clientKey, "--cacert", pki().ca,
    "-H", `Authorization: Bearer ${token}`, `${env.summary.gatewayUrl}/health`]);
  expect(viaCurl.stdout).toBe("401");
});

it("answers 401 to a user's token presented with the machine's certificate", async () => {
  const password = readFileSync(env.summary.demoPasswordFile, "utf8");
  const { AuthenticationResult } = await cognito.send(new InitiateAuthCommand({ AuthFlow: "USER_PASSWORD_AUTH", ClientId: env.summary.clientId, AuthParameters: { USERNAME: "demo", PASSWORD: password } }));
  const userToken = AuthenticationResult!.AccessToken!;
  expect((await call("/health", "client", userToken)).status).toBe(200);
  expect((await call("/health", "machine", userToken)).status).toBe(401);
});

it.each([
  // The secret with its last character changed (to another one: a secret ending in "x" stays wrong).
  ["a wrong secret (Basic)", () => ({ form: { grant_type: "client_credentials" }, headers: { authorization: basic(machine.clientId, `${machine.clientSecret.slice(0, -1)}${machine.clientSecret.endsWith("x") ? "y" : "x"}`) } }), 401, "invalid_client"],
  ["a wrong secret (body)", () => ({ form: { grant_type: "client_credentials", client_id: machine.clientId, client_secret: "wrong" }, headers: {} }), 401, "invalid_client"],
  ["an unknown client", () => ({ form: { grant_type: "client_credentials" }, headers: { authorization: basic("unknownclient0000000000000", machine.clientSecret) } }), 401, "invalid_client"],
  ["the user client (no secret)", () => ({ form: { grant_type: "client_credentials", client_id: env.summary.clientId }, headers: {} }), 401, "invalid_client"],
  ["no client authentication", () => ({ form: { grant_type: "client_credentials" }, headers: {} }), 401, "invalid_client"],
  ["both Basic and body credentials", () => ({ form: { grant_type: "client_credentials", client_id: machine.clientId }, headers: { authorization: basic(machine.clientId, machine.clientSecret) } }), 400, "invalid_request"],
  ["an unsupported grant", () => ({ form: { grant_type: "password", username: "demo", password: "x" }, headers: { authorization: basic(machine.clientId, machine.clientSecret) } }), 400, "unsupported_grant_type"],
  ["no grant_type", () => ({ form: {}, headers: { authorization: basic(machine.clientId, machine.clientSecret) } }), 400, "invalid_request"],
  ["a scope the client lacks", () => ({ form: { grant_type: "client_credentials", scope: "accounts/read accounts/admin" }, headers: { authorization: basic(machine.clientId, machine.clientSecret) } }), 400, "invalid_scope"],
  ["a JSON body", () => ({ form: { grant_type: "client_credentials" }, headers: { authorization: basic(machine.clientId, machine.clientSecret), "content-type": "application/json" } }), 400, "invalid_request"],
])("refuses %s with an OAuth error and no token", async (_name, request, status, error) => {
  const { form, headers } = request();
  const response = await tokenRequest(form, headers);
  expect(response.status).toBe(status);
  expect(response.body).toEqual({ error, error_description: expect.any(String) });
  expect(JSON.stringify(response.body)).not.toContain(machine.clientSecret);
});

it("answers 405 to GET", async () => {
  expect((await tokenRequest({}, {}, "GET")).status).toBe(405);
});

it("gives a client without a registered certificate no token (the trigger fails closed), and one once it is bound", async () => {
  const { UserPoolClient } = await cognito.send(new CreateUserPoolClientCommand({
    UserPoolId: env.summary.userPoolId, ClientName: "partner-b", GenerateSecret: true,
    AllowedOAuthFlows: ["client_credentials"], AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: ["accounts/read"],
  }));
  const partner = { clientId: UserPoolClient!.ClientId!, clientSecret: UserPoolClient!.ClientSecret! };
  const unbound = await tokenRequest({ grant_type: "client_credentials" }, { authorization: basic(partner.clientId, partner.clientSecret) });
  expect(unbound.status).toBe(400);
  expect(unbound.body).toEqual({ error: "invalid_request", error_description: expect.stringContaining("no certificate is registered locally for the machine client partner-b: issue it a certificate from the development CA (npx cbat pki issue partner-b") });
  expect(unbound.body.access_token).toBeUndefined();

  // Bind it to client2.pem in the local registry, as an operator would change the SSM parameter.
  const registry = join(env.summaryFile, "..", "machine-client-bindings.json");
  writeFileSync(registry, JSON.stringify({ ...JSON.parse(readFileSync(registry, "utf8")), [partner.clientId]: x5t(pki().client2) }));
  const token = await machineToken(undefined, partner);
  expect(claimsOf(token)).toMatchObject({ client_id: partner.clientId, scope: "accounts/read", cnf: { "x5t#S256": x5t(pki().client2) } });
  expect((await call("/accounts/acc-2", "client2", token)).status).toBe(200); // the authorizer follows the new client
  expect((await call("/accounts/acc-2", "machine", token)).status).toBe(401);
  expect((await call("/accounts/acc-2", "client2", token, "PUT")).status).toBe(403);

  // Re-registered to another certificate (client2's key is compromised): its earlier tokens are retired at once, as the
  // stack's authorizer does with the SSM registry, even with the certificate they are bound to.
  writeFileSync(registry, JSON.stringify({ ...JSON.parse(readFileSync(registry, "utf8")), [partner.clientId]: x5t(pki().machine) }));
  decisions.length = 0;
  const retired = await call("/accounts/acc-2", "client2", token);
  expect(retired.status).toBe(401);
  expect(decisions.join("\n")).toContain("401 cnf_mismatch GET /accounts/{id}");
});

it("creates machine clients only with declared scopes, and only confidential client_credentials ones", async () => {
  const create = (overrides: Record<string, unknown>) => cognito.send(new CreateUserPoolClientCommand({
    UserPoolId: env.summary.userPoolId, ClientName: "x", GenerateSecret: true, AllowedOAuthFlows: ["client_credentials"], AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: ["accounts/read"], ...overrides,
  }));
  await expect(create({ AllowedOAuthScopes: ["accounts/admin"] })).rejects.toMatchObject({ name: "ScopeDoesNotExistException" });
  await expect(create({ GenerateSecret: false })).rejects.toMatchObject({ name: "InvalidParameterException" });
  await expect(create({ AllowedOAuthScopes: [] })).rejects.toMatchObject({ name: "InvalidOAuthFlowException" });
});

it("cbat token --client-credentials prints a token that works, from .local/stack.json by client name", async () => {
  const result = await runCli(["token", "--client-credentials", "--outputs", env.summaryFile, "--machine-client", "demo-machine", "--scope", "accounts/read"]);
  expect(result.code).toBe(0);
  const token = result.stdout.trim();
  expect(claimsOf(token)).toMatchObject({ client_id: machine.clientId, scope: "accounts/read" });
  expect((await call("/accounts/acc-3", "machine", token)).status).toBe(200);
  expect(result.stderr).not.toContain(machine.clientSecret);

  const flags = await runCli(["token", "--client-credentials", "--token-endpoint", env.summary.tokenEndpoint, "--client-id", machine.clientId], { CBAT_CLIENT_SECRET: machine.clientSecret });
  expect(flags.code).toBe(0);
  const onlyOne = await runCli(["token", "--client-credentials", "--outputs", env.summaryFile]); // stack.json lists demo-machine alone
  expect(onlyOne.code).toBe(0);
  expect(claimsOf(onlyOne.stdout.trim()).client_id).toBe(machine.clientId);
  const wrong = await runCli(["token", "--client-credentials", "--token-endpoint", env.summary.tokenEndpoint, "--client-id", machine.clientId], { CBAT_CLIENT_SECRET: "wrong-secret" });
  expect(wrong).toMatchObject({ code: 1, stdout: "" });
  expect(wrong.stderr).toContain("the token endpoint refused: invalid_client");
  expect(wrong.stderr).not.toContain("wrong-secret");
});
