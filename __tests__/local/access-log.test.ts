/**
 * What an operator would see, locally: after a curl session against `npm run local` (a bound
 * call, the token with another certificate, no token, an untrusted certificate), <dir>/access.log
 * has one line per request in the stage's own format, <dir>/authorizer.log the decisions, and
 * `cbat decisions` and the Ctrl-C tally count them by reason. Real TLS, real tokens, real curl.
 */
import { spawn } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAccessLogFormat, renderAccessLogRecord, requestTimeOf } from "../../local/access-log";
import { startLocalEnvironment, type LocalEnvironment } from "../../local/local-environment";
import { LOCK_FILE } from "../../local/state-lock";
import { ACCESS_LOG_FORMAT } from "../../stacks/access-logs";
import { STACK_NAME } from "../../stacks/stack-name";
import { curl } from "../support/mtls-client";
import { runCli } from "../support/run-cli";
import { PROJECT_ROOT } from "../support/terraform";

let env: LocalEnvironment;
let dir: string;
let token: string;
const responses: Record<string, { status: string; requestId?: string }> = {};

const pki = () => env.summary.pki;
const stackDir = () => join(dir, "cdktf.out", "stacks", STACK_NAME);
const accessLines = () => readFileSync(env.logs.access, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line));
/** API Gateway's form of a certificate's serial: lowercase hex bytes joined by ":". */
function serialOf(file: string): string {
  const hex = new X509Certificate(readFileSync(file)).serialNumber.toLowerCase();
  return (hex.length % 2 === 0 ? hex : `0${hex}`).match(/../g)!.join(":");
}

async function signIn(): Promise<string> {
  const response = await fetch(`${env.summary.issuerEndpoint}/`, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSCognitoIdentityProviderService.InitiateAuth" },
    body: JSON.stringify({ AuthFlow: "USER_PASSWORD_AUTH", ClientId: env.summary.clientId, AuthParameters: { USERNAME: "demo", PASSWORD: readFileSync(env.summary.demoPasswordFile, "utf8") } }),
  });
  return ((await response.json()) as { AuthenticationResult: { AccessToken: string } }).AuthenticationResult.AccessToken;
}

/** curl with -D - : the status and API Gateway's x-amzn-RequestId header of the answer. */
async function call(name: string, cert: "client" | "client2" | "rogue", withToken: boolean): Promise<void> {
  const result = await curl(["-s", "-o", "/dev/null", "-D", "-", "--cacert", pki().ca, "--cert", pki()[cert], "--key", pki()[`${cert}Key`],
    ...(withToken ? ["-H", `Authorization: Bearer ${token}`] : []), `${env.summary.gatewayUrl}/example`]);
  responses[name] = { status: /^HTTP\/\S+ (\d+)/.exec(result.stdout)?.[1] ?? "-", requestId: /x-amzn-requestid: (\S+)/i.exec(result.stdout)?.[1] };
}

/** Polls until `condition` holds or `ms` have passed (the machine may be busy with other suites). */
async function until(condition: () => boolean, ms = 5_000): Promise<void> {
  for (const deadline = Date.now() + ms; !condition() && Date.now() < deadline;) await new Promise((resolve) => setTimeout(resolve, 50));
}

beforeAll(async () => {
  jest.spyOn(console, "log").mockImplementation(() => undefined); // the decision lines on the terminal
  dir = mkdtempSync(join(tmpdir(), "cbat-access-"));
  env = await startLocalEnvironment({ dir, issuerPort: 0, gatewayPort: 0 });
  token = await signIn();
  await call("allowed", "client", true);
  await call("mismatched", "client2", true);
  await call("no token", "client", false);
  await call("untrusted", "rogue", true);
  await until(() => accessLines().length === 4); // the refused handshake is logged when the server notices it
}, 90_000);

afterAll(async () => {
  await env?.close();
  jest.restoreAllMocks();
});

it("answers the session as API Gateway would", () => {
  expect(Object.fromEntries(Object.entries(responses).map(([name, r]) => [name, r.status]))).toEqual({ allowed: "200", mismatched: "401", "no token": "401", untrusted: "-" });
});

it("writes one line per request with exactly the stage's access log fields, in its order", () => {
  const stage = Object.values<any>(JSON.parse(readFileSync(join(stackDir(), "cdk.tf.json"), "utf8")).resource.aws_api_gateway_stage)[0];
  const fields = Object.keys(JSON.parse(stage.access_log_settings.format));
  const lines = accessLines();
  expect(lines).toHaveLength(4);
  for (const line of lines) expect(Object.keys(line)).toEqual(fields);
});

it("records the bound call: certificate, principal, authorizer, and API Gateway's request id", () => {
  const [allowed] = accessLines();
  const sub = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()).sub;
  expect(allowed).toMatchObject({
    requestId: responses.allowed.requestId,
    ip: "127.0.0.1",
    httpMethod: "GET",
    resourcePath: "/example",
    protocol: "HTTP/1.1",
    status: "200",
    authorizerStatus: "200",
    authorizerError: "-",
    principalId: sub,
    clientCertSerial: serialOf(pki().client),
    errorResponseType: "-",
  });
  expect(allowed.requestTime).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
  for (const latency of ["responseLatency", "authorizerLatency", "integrationLatency"]) expect(allowed[latency]).toMatch(/^\d+$/);
});

it("records the stolen token's certificate and the authorizer's 401, and the request that never reached it", () => {
  const [, mismatched, noToken] = accessLines();
  expect(mismatched).toMatchObject({
    requestId: responses.mismatched.requestId, status: "401", authorizerStatus: "401", authorizerError: "Unauthorized", principalId: "-",
    errorResponseType: "UNAUTHORIZED", clientCertSerial: serialOf(pki().client2),
  });
  expect(noToken).toMatchObject({ requestId: responses["no token"].requestId, status: "401", authorizerStatus: "-", authorizerLatency: "-", errorResponseType: "UNAUTHORIZED", clientCertSerial: serialOf(pki().client) });
});

it("records the refused handshake with what exists: address and time, no request", () => {
  const handshake = accessLines()[3];
  expect(handshake).toMatchObject({ ip: "127.0.0.1", requestId: "-", httpMethod: "-", status: "-", clientCertSerial: "-" });
  expect(Number(handshake.requestTimeEpoch)).toBeGreaterThan(Date.now() - 60_000);
});

it("never writes the token or a certificate", () => {
  const written = readFileSync(env.logs.access, "utf8") + readFileSync(env.logs.authorizer, "utf8");
  expect(written).not.toContain(token.split(".")[1]);
  expect(written).not.toContain("BEGIN CERTIFICATE");
});

it("keeps the authorizer's decisions, joined to the access log by request id", () => {
  const decisions = readFileSync(env.logs.authorizer, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line));
  expect(decisions.map((d) => [d.decision, d.reason, d.requestId])).toEqual([
    ["Allow", "cert_bound", responses.allowed.requestId],
    ["Deny", "cnf_mismatch", responses.mismatched.requestId],
  ]);
  expect(env.tally.summaryLine()).toBe("Decisions: 1 Allow, 1 Deny (cnf_mismatch 1); refused before the authorizer: 1 (UNAUTHORIZED 1); refused TLS handshakes: 1; 3 requests");
});

it("cbat decisions prints them by reason for the last minutes", async () => {
  const report = await runCli(["decisions", "--dir", dir, "--minutes", "5"]);
  expect(report.code).toBe(0);
  expect(report.stdout).toMatch(/^ {2}Allow {2}cert_bound +1$/m);
  expect(report.stdout).toMatch(/^ {2}Deny {3}cnf_mismatch +1 +a valid token with another certificate/m);
  expect(report.stdout).toMatch(/^ {2}UNAUTHORIZED +1 +no or empty Authorization: 401 by API Gateway, authorizer not called$/m);
  expect(report.stdout).toContain("Refused TLS handshakes: 1\nRequests: 3");
  expect((await runCli(["decisions", "--dir", dir, "--minutes", "0"])).code).toBe(2);
  const empty = await runCli(["decisions", "--dir", mkdtempSync(join(tmpdir(), "cbat-empty-"))]);
  expect(empty.code).toBe(1);
  expect(empty.stderr).toContain("no access.log or authorizer.log; start `npm run local");
});

it("npm run local prints the tally on Ctrl-C", async () => {
  // A copy of the state folder (same PKI and users): the in-process environment holds this one's lock.
  const copy = mkdtempSync(join(tmpdir(), "cbat-tally-"));
  cpSync(dir, copy, { recursive: true, filter: (source) => !source.endsWith(LOCK_FILE) && !source.includes("cdktf.out") });
  const child = spawn(process.execPath, ["--require", "tsx/cjs", join(PROJECT_ROOT, "local", "main.ts"), "--dir", copy, "--issuer-port", "0", "--gateway-port", "0", "--stack-dir", stackDir()], { cwd: PROJECT_ROOT });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  await until(() => /started in/.test(stdout), 45_000);
  expect({ started: /started in/.test(stdout), stderr }).toEqual({ started: true, stderr: expect.any(String) });
  const gateway = /gateway {2}(https:\/\/\S+)/.exec(stdout)![1];
  expect((await curl(["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", pki().ca, "--cert", pki().client, "--key", pki().clientKey, `${gateway}/example`])).stdout).toBe("401");
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGINT"); // what Ctrl-C sends
  await exited;
  expect(stdout).toContain("Decisions: 0 Allow, 0 Deny; refused before the authorizer: 1 (UNAUTHORIZED 1); refused TLS handshakes: 0; 1 requests\nStopping…");
  expect(existsSync(join(copy, "access.log"))).toBe(true);
}, 90_000);

describe("the access log format", () => {
  it("renders API Gateway's $context variables, \"-\" where a value is missing, always as one valid JSON line", () => {
    const template = parseAccessLogFormat(ACCESS_LOG_FORMAT);
    const record = renderAccessLogRecord(template, { requestId: "r-1", status: "200", "identity.clientCert.subjectDN": 'CN=a "quoted" name' });
    expect(record).toMatchObject({ requestId: "r-1", status: "200", principalId: "-" });
    expect(JSON.stringify(record)).not.toContain("quoted"); // the DNs are not in the format (issue 21): API Gateway would not escape them
    expect(JSON.parse(JSON.stringify(record))).toEqual(record);
    expect(requestTimeOf(new Date(Date.UTC(2026, 10, 5, 7, 8, 9)))).toBe("05/Nov/2026:07:08:09 +0000");
  });

  it("refuses a stage format that is not a JSON object of strings", () => {
    expect(() => parseAccessLogFormat("$context.requestId $context.status")).toThrow(/not JSON; the local access log writes JSON lines only/);
    expect(() => parseAccessLogFormat('{"status": 200}')).toThrow(/must be a JSON object of string values/);
  });
});
