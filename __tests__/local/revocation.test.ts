/**
 * Revocation and unbinding end to end through a real `npm run local` process: curl with real
 * client certificates through its mutual-TLS gateway, the real `cbat` bin for the operator steps,
 * and the AWS SDK's Cognito client against its issuer.
 */
import { execFileSync } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AdminCreateUserCommand, AdminGetUserCommand, AdminSetUserPasswordCommand, CognitoIdentityProviderClient, InitiateAuthCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import type { LocalStackSummary } from "../../local/local-environment";
import { curl } from "../support/mtls-client";
import { npmRunLocal, running, stopAllLocal } from "../support/npm-run-local";
import { runCli } from "../support/run-cli";

const dir = join(mkdtempSync(join(tmpdir(), "cbat-revocation-local-")), "state");
const summaryFile = join(dir, "stack.json");
let summary: LocalStackSummary;
let cognito: CognitoIdentityProviderClient;
const PASSWORD = "Correct-Horse-9-Battery";

beforeAll(async () => {
  await running(npmRunLocal(dir));
  summary = JSON.parse(readFileSync(summaryFile, "utf8"));
  cognito = new CognitoIdentityProviderClient({ region: summary.region, endpoint: summary.issuerEndpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" } });
}, 120_000);
afterAll(async () => {
  cognito?.destroy();
  await stopAllLocal();
});

const pki = () => summary.pki;
const pkiDir = () => join(pki().ca, "..");
const x5t = (file: string) => createHash("sha256").update(new X509Certificate(readFileSync(file)).raw).digest("base64url");

async function createUser(username: string, certFile: string) {
  await cognito.send(new AdminCreateUserCommand({
    UserPoolId: summary.userPoolId, Username: username, MessageAction: "SUPPRESS",
    UserAttributes: [{ Name: "email", Value: `${username}@example.com` }, { Name: "custom:cert_fingerprint", Value: x5t(certFile) }],
  }));
  await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: summary.userPoolId, Username: username, Password: PASSWORD, Permanent: true }));
}

async function signIn(username: string) {
  const result = await cognito.send(new InitiateAuthCommand({ AuthFlow: "USER_PASSWORD_AUTH", ClientId: summary.clientId, AuthParameters: { USERNAME: username, PASSWORD: PASSWORD } }));
  return result.AuthenticationResult!;
}

/** The HTTP status curl gets calling /example with the certificate and the token. */
async function status(cert: "client" | "client2", token: string): Promise<string> {
  const result = await curl(["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cert", pki()[cert], "--key", pki()[`${cert}Key`], "--cacert", pki().ca,
    "-H", `Authorization: Bearer ${token}`, `${summary.gatewayUrl}/example`]);
  return result.stdout;
}

it("starts with a current CRL from the dev CA that openssl verifies", () => {
  expect(pki().crl).toBe(join(pkiDir(), "crl.pem"));
  const text = execFileSync("openssl", ["crl", "-in", pki().crl, "-CAfile", pki().ca, "-noout", "-text"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  expect(text).toContain("Issuer: CN = cbat local development CA, O = cbat local");
  const nextUpdate = Date.parse(/Next Update: (.+)/.exec(text)![1]);
  expect(nextUpdate).toBeGreaterThan(Date.now() + 86_400_000);
});

it("cbat pki revoke client: the running gateway refuses that certificate within seconds (401), others keep working", async () => {
  await createUser("carol", pki().client2);
  const demoToken = (await cognito.send(new InitiateAuthCommand({
    AuthFlow: "USER_PASSWORD_AUTH", ClientId: summary.clientId,
    AuthParameters: { USERNAME: "demo", PASSWORD: readFileSync(summary.demoPasswordFile, "utf8") },
  }))).AuthenticationResult!.AccessToken!;
  const carolToken = (await signIn("carol")).AccessToken!;
  expect(await status("client", demoToken)).toBe("200");
  expect(await status("client2", carolToken)).toBe("200");

  const revoke = await runCli(["pki", "revoke", "client", "--dir", pkiDir()]);
  expect(revoke).toMatchObject({ code: 0, stdout: expect.stringMatching(/^revoked client \(CN=demo client, O=cbat local, serial [0-9A-F:]+\) in .*crl\.pem\n$/) });
  const revokedAt = Date.now();
  let refused = "";
  while (Date.now() - revokedAt < 5000 && (refused = await status("client", demoToken)) !== "401") await new Promise((resolve) => setTimeout(resolve, 100));
  expect(refused).toBe("401");
  expect(Date.now() - revokedAt).toBeLessThan(5000);
  expect(await status("client2", carolToken)).toBe("200");

  const check = await runCli(["revocation", "check", "--crl", pki().crl, "--truststore", pki().ca, pki().client]);
  expect(check).toMatchObject({ code: 1, stdout: expect.stringMatching(/^revoked on \d{4}-\d\d-\d\dT/) });
  expect((await runCli(["revocation", "check", "--crl", pki().crl, "--truststore", pki().ca, pki().client2]))).toMatchObject({ code: 0, stdout: "good\n" });
});

it("cbat unbind: no fingerprint, refresh tokens revoked, no new tokens; the old access token still needs the old certificate", async () => {
  await createUser("dave", pki().client2);
  const { AccessToken, RefreshToken } = await signIn("dave");
  const unbind = await runCli(["unbind", "dave", "--outputs", summaryFile]);
  expect(unbind).toMatchObject({ code: 0, stdout: expect.stringContaining("unbound dave") });
  const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: summary.userPoolId, Username: "dave" }));
  expect(user.UserAttributes!.map((a) => a.Name)).not.toContain("custom:cert_fingerprint");
  await expect(cognito.send(new InitiateAuthCommand({ AuthFlow: "REFRESH_TOKEN_AUTH", ClientId: summary.clientId, AuthParameters: { REFRESH_TOKEN: RefreshToken! } })))
    .rejects.toMatchObject({ name: "NotAuthorizedException" });
  await expect(signIn("dave")).rejects.toMatchObject({ name: "UserLambdaValidationException" });
  expect(await status("client2", AccessToken!)).toBe("200"); // until it expires: revoke the certificate to stop it sooner
  expect(await status("client", AccessToken!)).toBe("401");

  const rebind = await runCli(["bind", "--outputs", summaryFile, "--username", "dave", "--cert", pki().client2]);
  expect(rebind.code).toBe(0);
  expect((await signIn("dave")).AccessToken).toEqual(expect.any(String));
});
