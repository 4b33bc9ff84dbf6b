/**
 * `npm run local` serving a team's own API document end to end: the stack synthesized from
 * the document and its cbat.config.json, the local gateway routing it (path templates,
 * x-cbat-handler bundles, an HTTP_PROXY whose https:// backend `api.localIntegrations` replaces
 * with a loopback backend this test starts), scopes from Cognito groups in the local issuer,
 * and curl as the client with real certificates and real tokens.
 */
import { createHash, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import {
  AdminAddUserToGroupCommand, AdminCreateUserCommand, AdminListGroupsForUserCommand, AdminRemoveUserFromGroupCommand, AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient, CreateGroupCommand, InitiateAuthCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { Testing } from "cdktf";
import type { ApiDefinition } from "../../stacks/api-document";
import { CertBoundApiStack } from "../../stacks/cert-bound-api-stack";
import { loadDeploymentConfig } from "../../stacks/deployment-config";
import { PACKAGE_HANDLERS_DIR } from "../../stacks/package-layout";
import { AUTHORIZER_MAPPING_FIELDS } from "../../handlers/lib/authorizer-context";
import { startLocalEnvironment, type LocalEnvironment } from "../../local/local-environment";
import { curl } from "../support/mtls-client";
import { runCli } from "../support/run-cli";

const FOREIGN_URI = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:legacy/invocations";
const PASSWORD = "Correct-Horse-9-Battery";

let backend: Server;
let backendRequests: Array<{ method?: string; url?: string; authorization?: string; caller: Record<string, string | string[] | undefined> }>;
let api: ApiDefinition;
let localBackend: string;
let dir: string;
let env: LocalEnvironment;
let cognito: CognitoIdentityProviderClient;

beforeAll(async () => {
  jest.spyOn(console, "log").mockImplementation(() => undefined); // the authorizer's decision log
  backendRequests = [];
  backend = createServer((req, res) => {
    const caller = Object.fromEntries(Object.entries(req.headers).filter(([name]) => name.startsWith("x-caller-")));
    backendRequests.push({ method: req.method, url: req.url, authorization: req.headers.authorization, caller });
    res.writeHead(200, { "content-type": "application/json", "x-backend": "rates" });
    res.end(JSON.stringify({ rates: { EUR: 1 }, path: req.url }));
  });
  await new Promise<void>((resolve) => backend.listen(0, "127.0.0.1", resolve));
  localBackend = `http://127.0.0.1:${(backend.address() as AddressInfo).port}/v1/rates/{currency}`;

  const document = {
    openapi: "3.0.3",
    info: { title: "Accounts", version: "1" },
    security: [{ certificateBound: ["accounts/read"] }],
    paths: {
      "/health": { get: { security: [{ certificateBound: [] }], "x-cbat-handler": "example" } },
      "/accounts/{id}": {
        get: { "x-cbat-handler": "accounts" },
        put: { security: [{ certificateBound: ["accounts/write"] }], "x-cbat-handler": "accounts" },
      },
      "/rates/{currency}": {
        get: {
          operationId: "getRates",
          "x-amazon-apigateway-integration": {
            type: "http_proxy", httpMethod: "GET", uri: "https://rates.example.com/v1/rates/{currency}",
            // Every field the authorizer sets, as a header: how a backend learns who called.
            requestParameters: { "integration.request.path.currency": "method.request.path.currency", ...Object.fromEntries(AUTHORIZER_MAPPING_FIELDS.map((f) => [`integration.request.header.x-caller-${f}`, `context.authorizer.${f}`])) },
          },
        },
      },
      "/legacy": { get: { "x-amazon-apigateway-integration": { type: "aws_proxy", httpMethod: "POST", uri: FOREIGN_URI } } },
    },
  };
  dir = mkdtempSync(join(tmpdir(), "cbat-local-api-"));
  writeFileSync(join(dir, "api.yaml"), stringify(document));
  const groupScopes = { readers: ["accounts/read"], writers: ["accounts/read", "accounts/write"] };
  const config = { api: { openapi: "api.yaml", handlersDir: PACKAGE_HANDLERS_DIR, groupScopes, localIntegrations: { getRates: localBackend } } };
  writeFileSync(join(dir, "cbat.config.json"), JSON.stringify(config));
  api = loadDeploymentConfig({ configFile: join(dir, "cbat.config.json"), env: {} }).api!;
  env = await startLocalEnvironment({ dir: join(dir, "state"), issuerPort: 0, gatewayPort: 0, api });
  cognito = new CognitoIdentityProviderClient({ region: env.summary.region, endpoint: env.summary.issuerEndpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" } });
}, 90_000);

afterAll(async () => {
  cognito?.destroy();
  await env?.close();
  await new Promise((resolve) => backend?.close(resolve));
  if (dir) rmSync(dir, { recursive: true, force: true });
  jest.restoreAllMocks();
});

const pki = () => env.summary.pki;
const demoPassword = () => readFileSync(env.summary.demoPasswordFile, "utf8");
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());

async function tokenOf(username: string, password: string): Promise<string> {
  const result = await cognito.send(new InitiateAuthCommand({ AuthFlow: "USER_PASSWORD_AUTH", ClientId: env.summary.clientId, AuthParameters: { USERNAME: username, PASSWORD: password } }));
  return result.AuthenticationResult!.AccessToken!;
}

/** curl with a client certificate of the dev PKI; returns status, WWW-Authenticate and body. */
async function call(path: string, token: string, cert: "client" | "client2" = "client", method = "GET", body?: string) {
  const args = ["-s", "-i", "-X", method, "--cert", pki()[cert], "--key", pki()[`${cert}Key`], "--cacert", pki().ca, "-H", `Authorization: Bearer ${token}`];
  if (body !== undefined) args.push("-H", "Content-Type: application/json", "--data", body);
  const result = await curl([...args, `${env.summary.gatewayUrl}${path}`]);
  expect(result.code).toBe(0);
  const [head, ...rest] = result.stdout.split("\r\n\r\n");
  return {
    status: Number(/^HTTP\/[\d.]+ (\d{3})/.exec(head)?.[1]),
    challenge: /^www-authenticate: (.*)$/im.exec(head)?.[1],
    headers: head,
    body: rest.join("\r\n\r\n"),
  };
}

it("lists the document's routes and groups in stack.json", () => {
  const summary = JSON.parse(readFileSync(env.summaryFile, "utf8"));
  expect(summary.routes).toEqual({
    "GET /accounts/{id}": ["accounts/read"],
    "PUT /accounts/{id}": ["accounts/write"],
    "GET /health": [],
    "GET /legacy": ["accounts/read"],
    "GET /rates/{currency}": ["accounts/read"],
  });
  expect(summary.groups).toEqual(["readers", "writers"]);
});

it("a route without scopes needs only the bound token; a scoped route answers 403 insufficient_scope without the scope", async () => {
  const token = await tokenOf(env.summary.demoUser, demoPassword());
  expect((await call("/health", token)).status).toBe(200);
  const refused = await call("/accounts/acc-1", token);
  expect(refused.status).toBe(403);
  expect(refused.challenge).toBe('Bearer error="insufficient_scope"');
});

it("scopes come from the user's groups: readers read, writers write, removal takes effect on the next token", async () => {
  const pool = env.summary.userPoolId;
  const clientX5t = createHash("sha256").update(new X509Certificate(readFileSync(pki().client)).raw).digest("base64url");
  await cognito.send(new AdminCreateUserCommand({ UserPoolId: pool, Username: "reader", MessageAction: "SUPPRESS", UserAttributes: [{ Name: "email", Value: "reader@example.com" }, { Name: "custom:cert_fingerprint", Value: clientX5t }] }));
  await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: pool, Username: "reader", Password: PASSWORD, Permanent: true }));
  await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: pool, Username: "reader", GroupName: "readers" }));
  expect((await cognito.send(new AdminListGroupsForUserCommand({ UserPoolId: pool, Username: "reader" }))).Groups!.map((g) => g.GroupName)).toEqual(["readers"]);

  const readerToken = await tokenOf("reader", PASSWORD);
  expect(claimsOf(readerToken)).toMatchObject({ "cognito:groups": ["readers"] });
  // The trigger suppresses Cognito's self-service scope, so only the group's scope is left.
  expect(claimsOf(readerToken).scope.split(" ")).toEqual(["accounts/read"]);
  const read = await call("/accounts/acc-7", readerToken);
  expect(read.status).toBe(200);
  expect(JSON.parse(read.body)).toMatchObject({ id: "acc-7" }); // the path parameter reached the handler
  const write = await call("/accounts/acc-7", readerToken, "client", "PUT", JSON.stringify({ name: "Savings" }));
  expect(write.status).toBe(403);
  expect(write.challenge).toBe('Bearer error="insufficient_scope"');

  await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: pool, Username: "reader", GroupName: "writers" }));
  const writerToken = await tokenOf("reader", PASSWORD);
  const written = await call("/accounts/acc-7", writerToken, "client", "PUT", JSON.stringify({ name: "Savings" }));
  expect(written.status).toBe(200);
  expect(JSON.parse(written.body)).toMatchObject({ id: "acc-7", name: "Savings" });

  await cognito.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: pool, Username: "reader", GroupName: "writers" }));
  expect((await call("/accounts/acc-7", await tokenOf("reader", PASSWORD), "client", "PUT", "{}")).status).toBe(403);
});

it("another certificate gets 401 invalid_token even with every scope", async () => {
  const pool = env.summary.userPoolId;
  await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: pool, Username: env.summary.demoUser, GroupName: "writers" }));
  const token = await tokenOf(env.summary.demoUser, demoPassword());
  const refused = await call("/accounts/acc-1", token, "client2");
  expect(refused.status).toBe(401);
  expect(refused.challenge).toBe('Bearer error="invalid_token"');
  await cognito.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: pool, Username: env.summary.demoUser, GroupName: "writers" }));
});

it("forwards an HTTP_PROXY route to its api.localIntegrations backend, with the path variable and every context.authorizer.* field mapped to a header", async () => {
  const pool = env.summary.userPoolId;
  await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: pool, Username: env.summary.demoUser, GroupName: "readers" }));
  const token = await tokenOf(env.summary.demoUser, demoPassword());
  const before = backendRequests.length;
  const answer = await call("/rates/EUR?date=2026-11-25", token);
  expect(answer.status).toBe(200);
  expect(answer.headers).toMatch(/^x-backend: rates$/im);
  expect(JSON.parse(answer.body)).toEqual({ rates: { EUR: 1 }, path: "/v1/rates/EUR?date=2026-11-25" });
  const claims = claimsOf(token);
  expect(backendRequests.slice(before)).toEqual([{ method: "GET", url: "/v1/rates/EUR?date=2026-11-25", authorization: `Bearer ${token}`, caller: {
    "x-caller-principalid": claims.sub, "x-caller-sub": claims.sub, "x-caller-username": claims.username, "x-caller-clientid": claims.client_id, "x-caller-scope": claims.scope,
    "x-caller-x5ts256": createHash("sha256").update(new X509Certificate(readFileSync(pki().client)).raw).digest("base64url"),
    "x-caller-certsubject": expect.stringMatching(/CN=/),
  } }]);
  // Nothing reaches the backend without the binding.
  expect((await call("/rates/EUR", token, "client2")).status).toBe(401);
  expect(backendRequests.length).toBe(before + 1);
});

it("the same config synthesized for AWS calls the document's https:// backend: the local one stays out of the plan", () => {
  const integrations = (json: string) => Object.values(JSON.parse(json).resource.aws_api_gateway_integration).map((i) => (i as { uri: string }).uri);
  const forAws = Testing.synth(new CertBoundApiStack(Testing.app(), "aws", { api }));
  expect(integrations(forAws)).toContain("https://rates.example.com/v1/rates/{currency}");
  expect(forAws).not.toContain("127.0.0.1");
  const served = readFileSync(join(env.summaryFile, "..", "cdktf.out", "stacks", "cert-bound-api", "cdk.tf.json"), "utf8");
  expect(integrations(served)).toContain(localBackend);
  expect(served).not.toContain("rates.example.com");
});

it("answers an AWS_PROXY to a Lambda outside the stack with 502 and says why", async () => {
  const token = await tokenOf(env.summary.demoUser, demoPassword());
  const answer = await call("/legacy", token);
  expect(answer.status).toBe(502);
  expect(JSON.parse(answer.body).message).toMatch(/AWS_PROXY to a Lambda outside this stack .*function:legacy.* cannot run locally/);
});

it("answers unknown paths and methods like API Gateway: 403 Missing Authentication Token", async () => {
  const token = await tokenOf(env.summary.demoUser, demoPassword());
  for (const [path, method] of [["/nope", "GET"], ["/accounts", "GET"], ["/accounts/1/extra", "GET"], ["/health", "DELETE"]]) {
    const answer = await call(path, token, "client", method);
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toEqual({ message: "Missing Authentication Token" });
  }
});

it("creates the stack's groups in the issuer, and refuses a duplicate or an unknown group like Cognito", async () => {
  await expect(cognito.send(new CreateGroupCommand({ UserPoolId: env.summary.userPoolId, GroupName: "readers" }))).rejects.toMatchObject({ name: "GroupExistsException" });
  await expect(cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: env.summary.userPoolId, Username: env.summary.demoUser, GroupName: "no-such-group" }))).rejects.toMatchObject({ name: "ResourceNotFoundException" });
  await expect(cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: env.summary.userPoolId, Username: "nobody", GroupName: "readers" }))).rejects.toMatchObject({ name: "UserNotFoundException" });
});

it("cbat group add / list / remove change the scopes of the next token", async () => {
  const outputs = ["--outputs", env.summaryFile];
  const user = env.summary.demoUser;
  const added = await runCli(["group", "add", user, "writers", ...outputs]);
  expect(added).toMatchObject({ code: 0, stdout: `${user} is in writers; tokens issued from now on carry its scopes\n` });
  expect((await runCli(["group", "list", user, ...outputs])).stdout.split("\n")).toContain("writers");
  const write = await call("/accounts/acc-9", await tokenOf(user, demoPassword()), "client", "PUT", JSON.stringify({ name: "Ops" }));
  expect(write.status).toBe(200);

  expect((await runCli(["group", "remove", user, "writers", ...outputs])).code).toBe(0);
  expect((await runCli(["group", "list", user, ...outputs])).stdout.split("\n")).not.toContain("writers");
  expect((await call("/accounts/acc-9", await tokenOf(user, demoPassword()), "client", "PUT", "{}")).status).toBe(403);

  const unknown = await runCli(["group", "add", user, "no-such-group", ...outputs]);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toMatch(/^cbat: Cognito refused: ResourceNotFoundException: Group not found\./);
}, 60_000);
