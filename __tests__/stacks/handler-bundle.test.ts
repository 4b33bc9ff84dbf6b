/**
 * The Lambda packages as they will be uploaded: real zips (read back with `unzip`),
 * byte-identical on every build, and the packaged authorizer making real decisions.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleHandler } from "../../stacks/handler-bundle";
import { zipSync } from "../../stacks/deterministic-zip";
import { createCa, issueClientCert } from "../support/certificates";
import { requestAuthorizerEvent } from "../support/events";
import { accessTokenClaims, CLIENT_ID, createSigningKey, jwksOf, signJwt, USER_POOL_ID } from "../support/tokens";

function unzipTo(zipFile: string): string {
  const dir = mkdtempSync(join(tmpdir(), "cbat-unzip-"));
  execFileSync("unzip", ["-q", zipFile, "-d", dir]);
  return dir;
}

it("packages each handler as index.js + source map, readable by unzip, hash = sha256 of the zip", () => {
  for (const name of ["authorizer", "pre-token-generation", "example"]) {
    const bundle = bundleHandler(name);
    const zip = readFileSync(bundle.zipFile);
    expect(bundle.hash).toBe(createHash("sha256").update(zip).digest("hex"));
    const listing = execFileSync("unzip", ["-Z", "-l", bundle.zipFile]).toString();
    expect(listing).toMatch(/-rw-r--r--.* index\.js\n/);
    expect(listing).toMatch(/-rw-r--r--.* index\.js\.map\n/);
    expect(execFileSync("unzip", ["-tq", bundle.zipFile]).toString()).toMatch(/No errors detected/);
  }
});

it("writes the same zip bytes for the same content, whatever the order or the time", () => {
  const files = [{ name: "b.txt", data: Buffer.from("second") }, { name: "a.txt", data: Buffer.from("first".repeat(1000)) }];
  const one = zipSync(files);
  const two = zipSync([...files].reverse());
  expect(two.equals(one)).toBe(true);
  const dir = mkdtempSync(join(tmpdir(), "cbat-zip-"));
  const file = join(dir, "t.zip");
  writeFileSync(file, one);
  expect(execFileSync("unzip", ["-p", file, "a.txt"]).toString()).toBe("first".repeat(1000));
  expect(execFileSync("unzip", ["-p", file, "b.txt"]).toString()).toBe("second");
});

it("the packaged authorizer allows a bound token and refuses it with another certificate", async () => {
  const dir = unzipTo(bundleHandler("authorizer").zipFile);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const packaged = require(join(dir, "index.js")) as typeof import("../../handlers/authorizer");
  const key = createSigningKey();
  const ca = await createCa();
  const [a, b] = [await issueClientCert(ca, "CN=a"), await issueClientCert(ca, "CN=b", "ecdsa")];
  const token = signJwt(key, accessTokenClaims({ cnf: { "x5t#S256": createHash("sha256").update(a.der).digest("base64url") } }));
  const authorize = packaged.createAuthorizer({ userPoolId: USER_POOL_ID, clientId: CLIENT_ID, jwks: jwksOf(key) });
  jest.spyOn(console, "log").mockImplementation(() => undefined);
  await expect(authorize(requestAuthorizerEvent({ authorization: `Bearer ${token}`, certPem: a.pem }))).resolves.toHaveProperty("principalId");
  await expect(authorize(requestAuthorizerEvent({ authorization: `Bearer ${token}`, certPem: b.pem }))).rejects.toThrow(/^Unauthorized$/);
  jest.restoreAllMocks();
});

it("leaves the SSM client to the Lambda runtime: the packaged trigger loads, outside the project too, and binds machine tokens without it", async () => {
  const dir = unzipTo(bundleHandler("pre-token-generation").zipFile); // under /tmp: no node_modules to find
  const source = readFileSync(join(dir, "index.js"), "utf8");
  expect(source).toContain('require("@aws-sdk/client-ssm")');
  expect(source).not.toContain("AmazonSSM"); // the client itself (its service name is in every command) is not bundled
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const packaged = require(join(dir, "index.js")) as typeof import("../../handlers/pre-token-generation");
  const trigger = packaged.createPreTokenGenerationHandler({ machineBindings: async () => "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU" });
  const event = { version: "3", triggerSource: "TokenGeneration_ClientCredentials", callerContext: { clientId: "c1" }, request: { userAttributes: {} }, response: {} };
  expect((await trigger(event)).response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride).toEqual({ cnf: { "x5t#S256": "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU" } });
});
