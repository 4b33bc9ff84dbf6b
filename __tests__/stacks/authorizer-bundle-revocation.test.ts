/**
 * The authorizer package as Lambda gets it: the AWS SDK stays out of the bundle (the nodejs22.x
 * runtime provides it) and is loaded only when revocation checking is on; the packaged code
 * checks a real CRL through its own exported file source.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleHandler } from "../../stacks/handler-bundle";
import { createCa, issueClientCert } from "../support/certificates";
import { opensslCrl } from "../support/crls";
import { requestAuthorizerEvent } from "../support/events";
import { accessTokenClaims, CLIENT_ID, createSigningKey, jwksOf, signJwt, USER_POOL_ID } from "../support/tokens";

const unzipped = () => {
  const dir = mkdtempSync(join(tmpdir(), "cbat-unzip-"));
  execFileSync("unzip", ["-q", bundleHandler("authorizer").zipFile, "-d", dir]);
  return join(dir, "index.js");
};

it("leaves the S3 client to the Lambda runtime, and does not load it without a CRL", () => {
  const index = unzipped();
  const code = readFileSync(index, "utf8");
  expect(code.includes('require("@aws-sdk/client-s3")')).toBe(true);
  // The client's own code (its exception class, its request signing) is not in the bundle.
  expect(["S3ServiceException", "AWS4-HMAC-SHA256"].filter((marker) => code.includes(marker))).toEqual([]);
  const loaded = execFileSync(process.execPath, ["-e", `require(${JSON.stringify(index)}); process.stdout.write(JSON.stringify(Object.keys(require.cache)))`], {
    env: { PATH: process.env.PATH, USER_POOL_ID, USER_POOL_CLIENT_ID: CLIENT_ID, CRL_KEY: "" }, encoding: "utf8",
  });
  expect(JSON.parse(loaded)).toEqual([index]);
});

it("the packaged authorizer refuses a revoked certificate and allows another, from its own file source", async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const packaged = require(unzipped()) as typeof import("../../handlers/authorizer");
  const key = createSigningKey();
  const ca = await createCa("CN=Packaged CA,O=cbat tests");
  const [revoked, good] = [await issueClientCert(ca, "CN=revoked"), await issueClientCert(ca, "CN=good")];
  const dir = mkdtempSync(join(tmpdir(), "cbat-packaged-crl-"));
  writeFileSync(join(dir, "crl.pem"), opensslCrl(ca, [revoked]));
  writeFileSync(join(dir, "ca.pem"), ca.pem);
  const source = packaged.fileRevocationSource({ crlFile: join(dir, "crl.pem"), truststoreFile: join(dir, "ca.pem") });
  const authorize = packaged.createAuthorizer({ userPoolId: USER_POOL_ID, clientId: CLIENT_ID, jwks: jwksOf(key), revocation: { source } });
  const eventFor = (cert: typeof good) => requestAuthorizerEvent({
    authorization: `Bearer ${signJwt(key, accessTokenClaims({ cnf: { "x5t#S256": createHash("sha256").update(cert.der).digest("base64url") } }))}`,
    certPem: cert.pem,
  });
  const lines: string[] = [];
  jest.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
  await expect(authorize(eventFor(good))).resolves.toHaveProperty("principalId");
  await expect(authorize(eventFor(revoked))).rejects.toThrow(/^Unauthorized$/);
  jest.restoreAllMocks();
  const decisions = lines.map((line) => JSON.parse(line)).filter((entry) => entry.message === "authorizer decision");
  expect(decisions.map((entry) => entry.reason)).toEqual(["cert_bound", "cert_revoked"]);
});
