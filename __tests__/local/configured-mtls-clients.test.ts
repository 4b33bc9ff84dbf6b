/**
 * The machine clients of cbat.config.json at `npm run local`'s mTLS token endpoint (RFC 8705 §2),
 * started with a config as a user would (CBAT_CONFIG), with certificates from `cbat pki issue`
 * (real keys, the development CA), real TLS handshakes (curl and Node's client):
 * - a tls_client_auth client, registered by its subject DN, gets a bound token with a development
 *   certificate carrying that DN (`cbat pki issue --subject`); a near-miss DN gets invalid_client;
 * - a pinned self_signed_tls_client_auth client gets one with its own certificate;
 * - a DN client without a certificate yet is told the exact `--subject` command, which works at once;
 * - a DN client whose issuerDn names another CA is told why no local certificate can match.
 */
import { execFile } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { certificateFields } from "../../handlers/lib/certificate-fields";
import { distinguishedNameText } from "../../handlers/lib/certificate-name";
import { certificatePemToDer } from "../../handlers/lib/thumbprint";
import { instructions } from "../../local/instructions";
import { startLocalEnvironment, type LocalEnvironment } from "../../local/local-environment";
import { curl, mtlsRequest } from "../support/mtls-client";
import { runCli } from "../support/run-cli";
import { PROJECT_ROOT } from "../support/terraform";

const PARTNER_DN = "CN=partner,O=Example Partner";
const OWN_CA_DN = "CN=own-ca,O=Example Partner";
const root = mkdtempSync(join(tmpdir(), "cbat-configured-mtls-"));
const stateDir = join(root, "state");
const pkiDir = join(stateDir, "pki");
const previousConfig = process.env.CBAT_CONFIG;
let env: LocalEnvironment;

const pem = (name: string) => ({ cert: join(pkiDir, `${name}.pem`), key: join(pkiDir, `${name}-key.pem`) });
const x5t = (file: string) => createHash("sha256").update(new X509Certificate(readFileSync(file)).raw).digest("base64url");
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
const clientIdOf = (name: string) => env.issuer.machineClients!.byName(name)!.clientId;

async function issue(name: string, subject?: string) {
  const result = await runCli(["pki", "issue", name, ...(subject ? ["--subject", subject] : []), "--dir", pkiDir]);
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
  return result;
}

/** The token request with curl: the certificate and key, no secret. */
async function curlToken(pair: { cert: string; key: string }, clientId: string) {
  const result = await curl(["-sS", "--cacert", env.pki.cert.ca, "--cert", pair.cert, "--key", pair.key, "-d", "grant_type=client_credentials", "-d", `client_id=${clientId}`, "-w", "\n%{http_code}", env.summary.mtlsTokenEndpoint]);
  const lines = result.stdout.trimEnd().split("\n");
  return { status: Number(lines.pop()), body: JSON.parse(lines.join("\n") || "{}") as Record<string, any> };
}
const callApi = (pair: { cert: string; key: string }, token: string) =>
  mtlsRequest({ url: `${env.summary.gatewayUrl}/accounts/42`, method: "GET", ca: env.pki.cert.ca, cert: pair.cert, key: pair.key, headers: { Authorization: `Bearer ${token}` } });

beforeAll(async () => {
  jest.spyOn(console, "log").mockImplementation(() => undefined); // the bundles' own notes (revocation list loaded)
  mkdirSync(stateDir, { recursive: true });
  await issue("partner", PARTNER_DN);
  await issue("pinned-svc");
  await issue("own-ca", OWN_CA_DN);
  const devCaDn = distinguishedNameText(certificateFields(certificatePemToDer(readFileSync(join(pkiDir, "ca.pem"), "utf8")), "ca.pem").subject.encoded);
  writeFileSync(join(root, "cbat.config.json"), JSON.stringify({
    api: { openapi: join(PROJECT_ROOT, "examples", "accounts-api.yaml"), handlersDir: join(PROJECT_ROOT, "handlers"), resourceServer: "accounts" },
    machineClients: {
      partner: { tokenEndpointAuthMethod: "tls_client_auth", subjectDn: PARTNER_DN, scopes: ["accounts/read"] },
      "pinned-svc": { tokenEndpointAuthMethod: "self_signed_tls_client_auth", certificate: pem("pinned-svc").cert, scopes: ["accounts/read"] },
      later: { tokenEndpointAuthMethod: "tls_client_auth", subjectDn: "CN=later,O=Example Partner", scopes: ["accounts/read"] },
      // Its own DN, and the issuer named: the development CA's own subject. (The same DN as partner's
      // would be refused: partner names no issuer, so one certificate would authenticate as both.)
      "own-ca": { tokenEndpointAuthMethod: "tls_client_auth", subjectDn: OWN_CA_DN, issuerDn: devCaDn, scopes: ["accounts/read"] },
      foreign: { tokenEndpointAuthMethod: "tls_client_auth", subjectDn: "CN=foreign,O=Elsewhere", issuerDn: "CN=Partner Root CA,O=Elsewhere", scopes: ["accounts/read"] },
    },
  }));
  process.env.CBAT_CONFIG = join(root, "cbat.config.json");
  env = await startLocalEnvironment({ dir: stateDir, issuerPort: 0, gatewayPort: 0, console: () => undefined, note: () => undefined });
}, 180_000);

afterAll(async () => {
  await env?.close();
  if (previousConfig === undefined) delete process.env.CBAT_CONFIG;
  else process.env.CBAT_CONFIG = previousConfig;
  rmSync(root, { recursive: true, force: true });
  jest.restoreAllMocks();
});

it("lists the configured clients with a development certificate in stack.json's mtlsClients, after demo-mtls", () => {
  const summary = JSON.parse(readFileSync(env.summaryFile, "utf8"));
  expect(summary.mtlsClients.map((c: { name: string }) => c.name)).toEqual(["demo-mtls", "partner", "pinned-svc", "own-ca"]);
  expect(summary.mtlsClients[1]).toEqual({ name: "partner", clientId: clientIdOf("partner"), tokenEndpointAuthMethod: "tls_client_auth", certificate: pem("partner").cert, key: pem("partner").key, scopes: ["accounts/invoke", "accounts/read"], subjectDn: PARTNER_DN });
  expect(summary.mtlsClients[2]).toMatchObject({ name: "pinned-svc", tokenEndpointAuthMethod: "self_signed_tls_client_auth", certificate: pem("pinned-svc").cert });
  expect(summary.mtlsClients[3]).toMatchObject({ name: "own-ca", certificate: pem("own-ca").cert });
  expect(summary.mtlsClientHints.map((h: { name: string }) => h.name)).toEqual(["later", "foreign"]);
  // A DN client holds no secret the walkthrough could use: it is not a client_credentials client here.
  expect(summary.machineClients.map((c: { name: string }) => c.name)).toEqual(["demo-machine", "pinned-svc"]);
});

it("a tls_client_auth client gets a token bound to a development certificate with its DN: 200 with it, 401 with another", async () => {
  const answer = await curlToken(pem("partner"), clientIdOf("partner"));
  expect(answer.status).toBe(200);
  expect(claimsOf(answer.body.access_token)).toMatchObject({ client_id: clientIdOf("partner"), cnf: { "x5t#S256": x5t(pem("partner").cert) } });
  expect((await callApi(pem("partner"), answer.body.access_token)).status).toBe(200);
  // A client that also names the issuing CA: the development CA issued own-ca.pem; partner's certificate is not own-ca's.
  expect((await curlToken(pem("own-ca"), clientIdOf("own-ca"))).status).toBe(200);
  expect((await curlToken(pem("partner"), clientIdOf("own-ca"))).status).toBe(401);
  const other = await callApi({ cert: env.pki.cert.client, key: env.pki.key.client }, answer.body.access_token);
  expect([other.status, other.headers["www-authenticate"]]).toEqual([401, 'Bearer error="invalid_token"']);
});

it("a near-miss DN, or another certificate, is invalid_client for the DN client", async () => {
  await issue("near-partner", "CN=partner,O=Example Partners");
  for (const pair of [pem("near-partner"), pem("pinned-svc"), { cert: env.pki.cert.machine, key: env.pki.key.machine }]) {
    const answer = await curlToken(pair, clientIdOf("partner"));
    expect([answer.status, answer.body]).toEqual([401, { error: "invalid_client", error_description: "Client authentication failed." }]);
  }
});

it("a pinned self_signed_tls_client_auth client gets a token with its cbat pki issue certificate (cbat token --mtls --machine-client)", async () => {
  const got = await runCli(["token", "--mtls", "--cert", pem("pinned-svc").cert, "--key", pem("pinned-svc").key, "--cacert", env.pki.cert.ca, "--outputs", env.summaryFile, "--machine-client", "pinned-svc"]);
  expect(got.code).toBe(0);
  const token = got.stdout.trim();
  expect(claimsOf(token)).toMatchObject({ client_id: clientIdOf("pinned-svc"), cnf: { "x5t#S256": x5t(pem("pinned-svc").cert) } });
  expect((await callApi(pem("pinned-svc"), token)).status).toBe(200);
  expect((await curlToken(pem("partner"), clientIdOf("pinned-svc"))).status).toBe(401);
});

it("tells a DN client without a certificate the exact --subject command, and the certificate it issues works at once", async () => {
  const walkthrough = instructions(env.summary);
  const command = /npx cbat pki issue later --subject "CN=later,O=Example Partner" --dir (\S+)/.exec(walkthrough);
  expect(walkthrough).toContain('Machine client "later" of cbat.config.json (tls_client_auth) is registered at the mTLS token endpoint, but no development certificate has its subject DN yet');
  expect(command?.[1]).toBeDefined();
  expect(walkthrough).not.toMatch(/machineClients\.later\.certificate/);
  await issue("later", "CN=later,O=Example Partner");
  const answer = await curlToken(pem("later"), clientIdOf("later"));
  expect(answer.status).toBe(200); // no restart: registered by its DN
  expect(claimsOf(answer.body.access_token).cnf).toEqual({ "x5t#S256": x5t(pem("later").cert) });
});

it("says why no local certificate can authenticate a DN client whose issuerDn is another CA's (and refuses one: fail closed)", async () => {
  const walkthrough = instructions(env.summary);
  expect(walkthrough).toMatch(/Machine client "foreign" .* its issuerDn names a CA other than the development CA .*without issuerDn \(CBAT_CONFIG=<copy> npm run local\).*npx cbat pki issue foreign --subject "CN=foreign,O=Elsewhere"/);
  await issue("foreign", "CN=foreign,O=Elsewhere");
  expect((await curlToken(pem("foreign"), clientIdOf("foreign"))).status).toBe(401);
});

it("runs the walkthrough's commands for the DN client: the token with curl, with cbat, and a call that answers 200", async () => {
  const walkthrough = instructions(env.summary);
  const section = walkthrough.split("\n\n").find((text) => /^\d+\. The machine client "partner" \(from cbat\.config\.json, tls_client_auth/.test(text));
  expect(section).toBeDefined();
  const commands = section!.split("\n").slice(1).filter((line) => /^ {3}\S/.test(line) || /^ {5}/.test(line)).filter((line) => !line.endsWith(":")).join("\n")
    .replace(/\bnpx cbat /g, `node ${join(PROJECT_ROOT, "bin", "cbat.js")} `);
  expect(commands).toContain("PARTNER_MTLS_TOKEN=$(curl -s --cert");
  expect(commands).toContain("--machine-client partner)");
  const output = await new Promise<string>((resolve, reject) => execFile("bash", ["-ec", commands], { encoding: "utf8", timeout: 120_000 }, (error, stdout, stderr) => (error ? reject(new Error(`${stdout}\n${stderr}`)) : resolve(stdout))));
  expect(output).toMatch(/^HTTP\/1\.1 200/m);
});

it("cbat pki issue refuses a malformed --subject, saying what to write, and issues nothing", async () => {
  const bad = await runCli(["pki", "issue", "bad-subject", "--subject", "partner", "--dir", pkiDir]);
  expect(bad.code).toBe(1);
  expect(bad.stdout).toBe("");
  expect(bad.stderr).toMatch(/--subject: unknown attribute type "partner".*e\.g\. --subject "CN=partner,O=Example Partner"/);
  expect(existsSync(pem("bad-subject").cert)).toBe(false);
  const issued = await runCli(["pki", "issue", "quoted", "--subject", "CN=a\\, b,O=Example+OU=Ops", "--dir", pkiDir]);
  expect(issued.code).toBe(0);
  expect(issued.stdout).toContain('"subjectDn": "CN=a\\\\, b,O=Example+OU=Ops"');
});
