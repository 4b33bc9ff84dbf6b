/**
 * The operator's whole flow with the real `cbat` bin against the local environment:
 * user create, bind, token, call (real AWS SDK over HTTP to the issuer, real mTLS to the gateway).
 */
import { createHash, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalEnvironment, type LocalEnvironment } from "../../local/local-environment";
import { runCli } from "../support/run-cli";

let env: LocalEnvironment;
const PASSWORD = "Operator-Flow-7-Pass";
const x5t = (pemFile: string) => createHash("sha256").update(new X509Certificate(readFileSync(pemFile)).raw).digest("base64url");

beforeAll(async () => {
  jest.spyOn(console, "log").mockImplementation(() => undefined);
  env = await startLocalEnvironment({ dir: mkdtempSync(join(tmpdir(), "cbat-cli-local-")), issuerPort: 0, gatewayPort: 0 });
}, 60_000);
afterAll(async () => {
  await env?.close();
  jest.restoreAllMocks();
});

const outputs = () => ["--outputs", env.summaryFile];
const secretEnv = { CBAT_PASSWORD: PASSWORD };

it("creates a bound user, gets a bound token, and calls the API only with that certificate", async () => {
  const { pki } = env.summary;
  const created = await runCli(["user", "create", ...outputs(), "--username", "alice", "--email", "alice@example.com", "--cert", pki.client], secretEnv);
  expect(created).toMatchObject({ code: 0, stderr: expect.not.stringContaining(PASSWORD) });
  expect(created.stdout).toContain(`bound to x5t#S256 ${x5t(pki.client)}`);

  const token = await runCli(["token", ...outputs(), "--username", "alice", "--claims"], secretEnv);
  expect(token.code).toBe(0);
  const accessToken = token.stdout.trim();
  expect(accessToken.split(".")).toHaveLength(3); // only the token on stdout
  expect(JSON.parse(token.stderr.slice(token.stderr.indexOf("{")))).toMatchObject({ cnf: { "x5t#S256": x5t(pki.client) }, username: "alice" });

  const ok = await runCli(["call", `${env.summary.gatewayUrl}/example`, "--cert", pki.client, "--key", pki.clientKey, "--cacert", pki.ca, "--token", accessToken]);
  expect(ok.code).toBe(0);
  expect(ok.stdout).toMatch(/^HTTP 200\n/);
  expect(ok.stdout).toContain("Hello from the example function!");

  const stolen = await runCli(["call", `${env.summary.gatewayUrl}/example`, "--cert", pki.client2, "--key", pki.client2Key, "--cacert", pki.ca], { CBAT_TOKEN: accessToken });
  expect(stolen.code).toBe(1);
  expect(stolen.stdout).toMatch(/^HTTP 401\nWWW-Authenticate: Bearer error="invalid_token"\n/);

  const rogue = await runCli(["call", `${env.summary.gatewayUrl}/example`, "--cert", pki.rogue, "--key", pki.rogueKey, "--cacert", pki.ca, "--token", accessToken]);
  expect(rogue.code).toBe(1);
  expect(rogue.stderr).toContain("refused the TLS handshake");
  expect(rogue.stderr).toContain("did not accept the client certificate");
});

it("signs alice in with --admin (AdminInitiateAuth, ADMIN_USER_PASSWORD_AUTH): for pools whose app client allows SRP only", async () => {
  const admin = await runCli(["token", ...outputs(), "--username", "alice", "--admin"], secretEnv);
  expect(admin.code).toBe(0);
  expect(JSON.parse(Buffer.from(admin.stdout.trim().split(".")[1], "base64url").toString("utf8"))).toMatchObject({ cnf: { "x5t#S256": x5t(env.summary.pki.client) }, username: "alice" });
}, 120_000);

it("binds a user to another certificate: new tokens then work only with it", async () => {
  const { pki } = env.summary;
  await runCli(["user", "create", ...outputs(), "--username", "bob", "--email", "bob@example.com"], secretEnv);
  const unbound = await runCli(["token", ...outputs(), "--username", "bob"], secretEnv);
  expect(unbound.code).toBe(1);
  expect(unbound.stderr).toContain("UserLambdaValidationException");
  expect(unbound.stdout).toBe("");

  const bound = await runCli(["bind", ...outputs(), "--username", "bob", "--cert", pki.client2]);
  expect(bound.code).toBe(0);
  expect(bound.stdout).toContain(x5t(pki.client2));
  const token = (await runCli(["token", ...outputs(), "--username", "bob"], secretEnv)).stdout.trim();
  const call = (cert: "client" | "client2") =>
    runCli(["call", `${env.summary.gatewayUrl}/example`, "--cert", pki[cert], "--key", pki[`${cert}Key`], "--cacert", pki.ca, "--token", token]);
  expect((await call("client2")).stdout).toMatch(/^HTTP 200/);
  expect((await call("client")).stdout).toMatch(/^HTTP 401/);
});

it("reads pool ids from terraform and cdktf outputs files too", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cbat-outputs-"));
  const terraformOutputs = join(dir, "terraform.json");
  writeFileSync(terraformOutputs, JSON.stringify({ user_pool_id: { value: env.summary.userPoolId, type: "string", sensitive: false }, user_pool_client_id: { value: env.summary.clientId, type: "string", sensitive: false } }));
  const cdktfOutputs = join(dir, "cdktf.json");
  writeFileSync(cdktfOutputs, JSON.stringify({ "cert-bound-api": { user_pool_id: env.summary.userPoolId, user_pool_client_id: env.summary.clientId } }));
  for (const file of [terraformOutputs, cdktfOutputs]) {
    const token = await runCli(["token", "--outputs", file, "--endpoint", env.summary.issuerEndpoint, "--username", "demo"], { CBAT_PASSWORD: readFileSync(env.summary.demoPasswordFile, "utf8") });
    expect(token.code).toBe(0);
    expect(token.stdout.split(".")).toHaveLength(3);
  }
});

it("refuses with a clear message and no secret: bad certificate, wrong password, missing settings", async () => {
  const badCert = await runCli(["bind", ...outputs(), "--username", "alice", "--cert", join(tmpdir(), "nope.pem")]);
  expect(badCert).toMatchObject({ code: 1, stderr: expect.stringContaining("nope.pem: file not found") });
  const wrong = await runCli(["token", ...outputs(), "--username", "alice"], { CBAT_PASSWORD: "Wrong-Password-1" });
  expect(wrong.code).toBe(1);
  expect(wrong.stderr).toContain("NotAuthorizedException");
  expect(wrong.stderr).not.toContain("Wrong-Password-1");
  const noPool = await runCli(["token", "--username", "alice"], { CBAT_PASSWORD: PASSWORD, AWS_REGION: "eu-west-1" });
  expect(noPool.code).toBe(1);
  expect(noPool.stderr).toContain("no clientId: pass --client-id");
  const noPassword = await runCli(["token", ...outputs(), "--username", "alice"], { CBAT_PASSWORD: "" });
  expect(noPassword.code).toBe(1);
  expect(noPassword.stderr).toContain("set CBAT_PASSWORD");
  const usage = await runCli(["token", ...outputs()]);
  expect(usage.code).toBe(2);
  expect(usage.stderr).toContain("--username is required (or --client-credentials for a machine client's token)");
});

it("creates the development PKI with `cbat pki dev`", async () => {
  const out = join(mkdtempSync(join(tmpdir(), "cbat-pki-")), "pki");
  const first = await runCli(["pki", "dev", "--out", out]);
  expect(first.code).toBe(0);
  expect(first.stdout).toContain("created development PKI");
  const again = await runCli(["pki", "dev", "--out", out]);
  expect(again.stdout).toContain("kept existing");
  const fingerprint = await runCli(["fingerprint", join(out, "client.pem")]);
  expect(fingerprint.stdout.trim()).toBe(x5t(join(out, "client.pem")));
});
