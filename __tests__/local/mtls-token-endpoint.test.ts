/**
 * The mTLS token endpoint (RFC 8705 §2) through `npm run local`'s environment: the token-endpoint
 * bundle on the local gateway, the local issuer as Cognito, the stack's trigger bundle checking the
 * voucher; real certificates of the development CA, real TLS handshakes (curl and Node's client).
 * demo-mtls is a tls_client_auth client registered by machine.pem's subject DN; it holds no secret.
 */
import { createHash, X509Certificate } from "node:crypto";
import { readFileSync, rmSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalEnvironment, type LocalEnvironment } from "../../local/local-environment";
import { revokeDevCertificate } from "../../local/dev-crl";
import { createCa, issueCertificate, loadIssuedCertificate } from "../../local/pki";
import { loadApiDocument } from "../../stacks/api-document";
import { curl, mtlsRequest } from "../support/mtls-client";
import { runCli } from "../support/run-cli";
import { PROJECT_ROOT } from "../support/terraform";

let dir: string;
let env: LocalEnvironment;
let mtlsClientId: string;
let rotated: { cert: string; key: string };

beforeAll(async () => {
  jest.spyOn(console, "log").mockImplementation(() => undefined); // the authorizer's decision lines
  dir = mkdtempSync(join(tmpdir(), "cbat-local-mtls-token-"));
  const api = loadApiDocument(join(PROJECT_ROOT, "examples", "accounts-api.yaml"), {}, { resourceServer: "accounts" });
  env = await startLocalEnvironment({ dir, issuerPort: 0, gatewayPort: 0, api });
  mtlsClientId = env.summary.mtlsClients[0].clientId;
  // A new certificate with machine.pem's DN from the development CA: a rotation, no config change.
  const ca = await loadIssuedCertificate(readFileSync(env.pki.cert.ca, "utf8"), readFileSync(join(env.pki.dir, "ca-key.pem"), "utf8"));
  rotated = await writePair("rotated", await issueCertificate(ca, "CN=demo-machine,O=cbat local", { kind: "ecdsa", days: 30 }));
}, 120_000);

afterAll(async () => {
  await env?.close();
  jest.restoreAllMocks();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function writePair(name: string, issued: { pem: string; privateKeyPem: string }) {
  const cert = join(env.pki.dir, `${name}.pem`);
  const key = join(env.pki.dir, `${name}-key.pem`);
  writeFileSync(cert, issued.pem);
  writeFileSync(key, issued.privateKeyPem, { mode: 0o600 });
  return { cert, key };
}
const x5t = (pemFile: string) => createHash("sha256").update(new X509Certificate(readFileSync(pemFile)).raw).digest("base64url");
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());

/** The token request with curl, as the walkthrough shows it: the certificate and key, no secret. */
async function curlToken(cert: string, key: string, clientId: string, extra: string[] = []) {
  const result = await curl(["-sS", "--cacert", env.pki.cert.ca, "--cert", cert, "--key", key, "-d", "grant_type=client_credentials", "-d", `client_id=${clientId}`, ...extra, "-w", "\n%{http_code}", env.summary.mtlsTokenEndpoint]);
  const lines = result.stdout.trimEnd().split("\n");
  return { code: result.code, status: Number(lines.pop()), body: lines.join("\n") ? JSON.parse(lines.join("\n")) : undefined, stderr: result.stderr };
}
const callApi = (cert: string, key: string, token: string) =>
  mtlsRequest({ url: `${env.summary.gatewayUrl}/accounts/42`, method: "GET", ca: env.pki.cert.ca, cert, key, headers: { Authorization: `Bearer ${token}` } });
const tokenLog = () => readFileSync(env.logs.tokenEndpoint, "utf8").trim().split("\n").map((line) => JSON.parse(line));

it("a secretless token, bound to the presented certificate: the API answers it with that certificate, and 401 with another", async () => {
  const answer = await curlToken(env.pki.cert.machine, env.pki.key.machine, mtlsClientId, ["-d", "scope=accounts/read"]);
  expect(answer.status).toBe(200);
  expect(answer.body).toMatchObject({ token_type: "Bearer", expires_in: 3600, scope: "accounts/read" });
  const claims = claimsOf(answer.body.access_token);
  expect(claims).toMatchObject({ client_id: mtlsClientId, cnf: { "x5t#S256": x5t(env.pki.cert.machine) }, scope: "accounts/read" });
  expect((await callApi(env.pki.cert.machine, env.pki.key.machine, answer.body.access_token)).status).toBe(200);
  expect((await callApi(env.pki.cert.client, env.pki.key.client, answer.body.access_token)).status).toBe(401);
  expect(tokenLog().at(-1)).toMatchObject({ message: "token endpoint decision", decision: "Allow", reason: "issued", clientId: mtlsClientId });
});

it("a rotated certificate (same DN, same CA) gets bound tokens at once, with no config change", async () => {
  const answer = await curlToken(rotated.cert, rotated.key, mtlsClientId);
  expect(answer.status).toBe(200);
  expect(claimsOf(answer.body.access_token).cnf).toEqual({ "x5t#S256": x5t(rotated.cert) });
  expect((await callApi(rotated.cert, rotated.key, answer.body.access_token)).status).toBe(200);
});

it("the right DN from a CA not in the truststore: the handshake is refused", async () => {
  const rogueCa = await createCa("CN=Look-alike CA,O=somebody else", { days: 30 });
  const lookAlike = await writePair("look-alike", await issueCertificate(rogueCa, "CN=demo-machine,O=cbat local", { kind: "ecdsa", days: 30 }));
  const answer = await curlToken(lookAlike.cert, lookAlike.key, mtlsClientId);
  expect(answer.status).toBe(0); // no HTTP answer at all
  expect(answer.code).not.toBe(0);
});

it("another client's client_id, or a certificate of another DN, is invalid_client", async () => {
  const pinned = env.summary.machineClients[0].clientId; // demo-machine pins machine.pem
  for (const [cert, key, clientId] of [[rotated.cert, rotated.key, pinned], [env.pki.cert.client, env.pki.key.client, mtlsClientId], [env.pki.cert.machine, env.pki.key.machine, env.summary.clientId]]) {
    const answer = await curlToken(cert, key, clientId);
    expect([answer.status, answer.body]).toEqual([401, { error: "invalid_client", error_description: "Client authentication failed." }]);
  }
  // The pinned client with its own certificate still works through the endpoint.
  expect((await curlToken(env.pki.cert.machine, env.pki.key.machine, pinned)).status).toBe(200);
});

it("a revoked certificate gets no token: invalid_client, logged cert_revoked", async () => {
  const doomed = await writePair("doomed", await issueCertificate(await loadIssuedCertificate(readFileSync(env.pki.cert.ca, "utf8"), readFileSync(join(env.pki.dir, "ca-key.pem"), "utf8")), "CN=demo-machine,O=cbat local", { kind: "ecdsa", days: 30 }));
  expect((await curlToken(doomed.cert, doomed.key, mtlsClientId)).status).toBe(200);
  await revokeDevCertificate(env.pki.dir, "doomed");
  let answer;
  for (let attempt = 0; attempt < 40; attempt++) {
    answer = await curlToken(doomed.cert, doomed.key, mtlsClientId);
    if (answer.status === 401) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect([answer!.status, answer!.body.error]).toEqual([401, "invalid_client"]);
  expect(tokenLog().at(-1)).toMatchObject({ decision: "Deny", reason: "cert_revoked", clientId: mtlsClientId });
});

it("the Cognito-protocol endpoint refuses demo-mtls with its secret but without a voucher: no token (fail closed)", async () => {
  const secret = JSON.parse(readFileSync(join(dir, "machine-clients.json"), "utf8")).clients[mtlsClientId].clientSecret as string;
  const response = await fetch(env.summary.tokenEndpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`${mtlsClientId}:${secret}`).toString("base64")}` },
    body: new URLSearchParams({ grant_type: "client_credentials", aws_client_metadata: JSON.stringify({ cbat_voucher: "v1.1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA" }) }),
  });
  expect(response.status).toBe(400);
  expect(await response.json()).toMatchObject({ error: "invalid_request" });
});

it("GET /.well-known/oauth-authorization-server describes the endpoint (RFC 8414, RFC 8705 §5)", async () => {
  const answer = await mtlsRequest({ url: `${env.summary.gatewayUrl}/.well-known/oauth-authorization-server`, method: "GET", ca: env.pki.cert.ca, cert: env.pki.cert.machine, key: env.pki.key.machine });
  expect(answer.status).toBe(200);
  expect(JSON.parse(answer.body)).toMatchObject({
    issuer: `https://cognito-idp.${env.summary.region}.amazonaws.com/${env.summary.userPoolId}`,
    token_endpoint: env.summary.mtlsTokenEndpoint,
    token_endpoint_auth_methods_supported: ["tls_client_auth", "self_signed_tls_client_auth"],
    tls_client_certificate_bound_access_tokens: true,
    mtls_endpoint_aliases: { token_endpoint: env.summary.mtlsTokenEndpoint },
    scopes_supported: expect.arrayContaining(["accounts/read"]),
  });
});

describe("cbat token --mtls", () => {
  it("gets a bound token with the certificate alone (client from .local/stack.json), usable with cbat call", async () => {
    const got = await runCli(["token", "--mtls", "--cert", env.pki.cert.machine, "--key", env.pki.key.machine, "--cacert", env.pki.cert.ca, "--outputs", env.summaryFile, "--scope", "accounts/read", "--claims"]);
    expect(got.code).toBe(0);
    const token = got.stdout.trim();
    expect(claimsOf(token)).toMatchObject({ client_id: mtlsClientId, cnf: { "x5t#S256": x5t(env.pki.cert.machine) } });
    expect(JSON.parse(got.stderr)).toMatchObject({ cnf: { "x5t#S256": x5t(env.pki.cert.machine) } });
    const called = await runCli(["call", `${env.summary.gatewayUrl}/accounts/42`, "--cert", env.pki.cert.machine, "--key", env.pki.key.machine, "--cacert", env.pki.cert.ca], { CBAT_TOKEN: token });
    expect(called.stdout).toMatch(/^HTTP 200/);
  });

  it("says what to check when the certificate is not the client's", async () => {
    const refused = await runCli(["token", "--mtls", "--cert", env.pki.cert.client, "--key", env.pki.key.client, "--cacert", env.pki.cert.ca, "--outputs", env.summaryFile]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toMatch(/invalid_client.*subject DN or fingerprint/);
  });

  it("needs --cert and --key", async () => {
    const refused = await runCli(["token", "--mtls", "--outputs", env.summaryFile]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--mtls needs --cert and --key/);
  });
});
