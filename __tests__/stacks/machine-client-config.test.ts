/**
 * `machineClients` and `api.resourceServer` in cbat.config.json: real certificate files (PEM and
 * DER) and every accepted fingerprint form give the same x5t#S256; scopes must be the resource
 * server's; bad input names the file, the client and the field.
 */
import { createHash, X509Certificate } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeploymentConfigError, loadDeploymentConfig } from "../../stacks/deployment-config";
import { createCa, issueClientCert, type IssuedCertificate } from "../support/certificates";

let dir: string;
let ca: IssuedCertificate;
let client: IssuedCertificate;
let digest: Buffer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cbat-machine-config-"));
  ca = await createCa();
  client = await issueClientCert(ca, "CN=partner-a,O=cbat tests", "ecdsa");
  digest = createHash("sha256").update(client.der).digest();
  writeFileSync(join(dir, "partner-a.pem"), client.pem);
  writeFileSync(join(dir, "partner-a.der"), client.der);
  writeFileSync(join(dir, "ca.pem"), ca.pem);
  writeFileSync(join(dir, "chain.pem"), client.pem + ca.pem);
  writeFileSync(join(dir, "with-key.pem"), client.pem + client.privateKeyPem);
  writeFileSync(join(dir, "garbage.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
});

let configCount = 0;
function load(content: unknown) {
  const file = join(dir, `cbat.config.${configCount++}.json`);
  writeFileSync(file, JSON.stringify(content));
  return loadDeploymentConfig({ env: {}, configFile: file });
}
function refusal(content: unknown): DeploymentConfigError {
  try {
    load(content);
  } catch (error) {
    if (error instanceof DeploymentConfigError) return error;
    throw error;
  }
  throw new Error("the configuration was accepted");
}

it("reads a client's certificate (PEM or DER, relative to the config file) into its x5t#S256, with the default scope first", () => {
  const { machineClients } = load({ machineClients: { "partner-a": { certificate: "partner-a.pem", scopes: ["cbat/read"] }, der: { certificate: join(dir, "partner-a.der") } } });
  expect(machineClients).toEqual([
    { name: "partner-a", x5tS256: digest.toString("base64url"), scopes: ["cbat/invoke", "cbat/read"] },
    { name: "der", x5tS256: digest.toString("base64url"), scopes: ["cbat/invoke"] },
  ]);
  expect(new X509Certificate(client.pem).fingerprint256.replace(/:/g, "").toLowerCase()).toBe(digest.toString("hex")); // the same digest openssl shows
});

it.each([
  ["base64url (cbat fingerprint)", () => digest.toString("base64url")],
  ["openssl's output", () => `sha256 Fingerprint=${digest.toString("hex").toUpperCase().match(/../g)!.join(":")}`],
  ["hex", () => digest.toString("hex")],
  ["base64 with padding", () => digest.toString("base64")],
  ["base64 without padding (the original README)", () => digest.toString("base64").replace(/=$/, "")],
])("reads a fingerprint given as %s", (_form, fingerprint) => {
  expect(load({ machineClients: { billing: { fingerprint: fingerprint() } } }).machineClients![0].x5tS256).toBe(digest.toString("base64url"));
});

it("takes the resource server from api.resourceServer, and leaves the old shape alone without machineClients", () => {
  const config = load({ api: { resourceServer: "accounts", groupScopes: { readers: ["accounts/read"] } }, machineClients: { a: { fingerprint: digest.toString("hex"), scopes: ["accounts/read", "accounts/read"] } } });
  expect(config.api!.resourceServer).toBe("accounts");
  expect(config.machineClients![0].scopes).toEqual(["accounts/invoke", "accounts/read"]);
  expect(load({ api: { resourceServer: "https://api.example.com" } }).api!.resourceServer).toBe("https://api.example.com");
  expect(load({ environments: ["dev"] })).not.toHaveProperty("machineClients");
  expect(load({ environments: ["dev"] })).not.toHaveProperty("api");
  expect(load({ api: {} }).api!.resourceServer).toBe("cbat");
});

it.each([
  ["both certificate and fingerprint", { machineClients: { a: { certificate: "partner-a.pem", fingerprint: "x" } } }, "machineClients.a", /set exactly one of "certificate".*found both/],
  ["neither", { machineClients: { a: { scopes: [] } } }, "machineClients.a", /found neither/],
  ["a missing certificate file", { machineClients: { a: { certificate: "missing.pem" } } }, "machineClients.a.certificate", /cannot read .*missing\.pem \(ENOENT\)/],
  ["a CA certificate", { machineClients: { a: { certificate: "ca.pem" } } }, "machineClients.a.certificate", /is a CA certificate/],
  ["a certificate chain", { machineClients: { a: { certificate: "chain.pem" } } }, "machineClients.a.certificate", /holds 2 certificates/],
  ["a file with a private key", { machineClients: { a: { certificate: "with-key.pem" } } }, "machineClients.a.certificate", /holds a private key/],
  ["a PEM that is no certificate", { machineClients: { a: { certificate: "garbage.pem" } } }, "machineClients.a.certificate", /is not an X\.509 certificate/],
  ["a short fingerprint", { machineClients: { a: { fingerprint: "AB:CD" } } }, "machineClients.a.fingerprint", /is not a SHA-256 certificate fingerprint/],
  ["a fingerprint that is no string", { machineClients: { a: { fingerprint: 42 } } }, "machineClients.a.fingerprint", /is not a SHA-256 certificate fingerprint/],
  ["a bad fingerprint before bad scopes", { machineClients: { a: { fingerprint: "AAAA", scopes: "cbat/read" } } }, "machineClients.a.fingerprint", /fingerprint/],
  ["scopes that are no list", { machineClients: { a: { fingerprint: "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU", scopes: "cbat/read" } } }, "machineClients.a.scopes", /must be a list of scope names/],
  ["a scope with a space", { machineClients: { a: { fingerprint: "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU", scopes: ["has space"] } } }, "machineClients.a.scopes", /not a valid OAuth scope/],
  ["a bad client name", { machineClients: { "bad name!": { fingerprint: "x" } } }, "machineClients.bad name!", /a client name is 1-63 letters/],
  ["an unknown client setting", { machineClients: { a: { fingerprint: "x", secret: "s" } } }, "machineClients.a", /unknown setting\(s\) secret; allowed: certificate, fingerprint, scopes/],
  ["a list instead of an object", { machineClients: ["a"] }, "machineClients", /must map client names/],
  ["a bad resource server identifier", { api: { resourceServer: "has space" } }, "api", /api\.resourceServer: "has space" is not a resource server identifier/],
  ["an unknown api setting", { api: { resourceServers: "x" } }, "api", /unknown setting\(s\) resourceServers; allowed: openapi, groupScopes, resourceServer, quotas, handlersDir/],
])("refuses %s", (_label, content, setting, message) => {
  const error = refusal(content);
  expect(error.setting).toMatch(new RegExp(`cbat\\.config\\.\\d+\\.json: ${setting.replace(/[.!]/g, "\\$&")}$`));
  expect(error.message).toMatch(message);
});

it("refuses a machine-client scope that is not <resource server>/<name>, naming the client and the scope", () => {
  const error = refusal({ api: { resourceServer: "accounts" }, machineClients: { "partner-a": { certificate: "partner-a.pem", scopes: ["accounts/read", "accounts:write"] } } });
  expect(error.setting).toMatch(/machineClients\.partner-a\.scopes$/);
  expect(error.message).toContain('machine client "partner-a": scope "accounts:write" is not a custom scope of the resource server "accounts"');
  expect(refusal({ machineClients: { b: { fingerprint: digest.toString("hex"), scopes: ["accounts/read"] } } }).message).toContain('scope "accounts/read" is not a custom scope of the resource server "cbat"');
  expect(refusal({ machineClients: { c: { fingerprint: digest.toString("hex"), scopes: ["cbat/a/b"] } } }).message).toContain('"cbat/a/b"');
});

it("never repeats a certificate file's content or a fingerprint in its messages", () => {
  const secretish = "sha256 Fingerprint=ZZ:not-a-fingerprint-maybe-a-secret";
  expect(refusal({ machineClients: { a: { fingerprint: secretish } } }).message).not.toContain("maybe-a-secret");
  expect(refusal({ machineClients: { a: { certificate: "with-key.pem" } } }).message).not.toContain("PRIVATE KEY-----");
});

it("refuses a base64 fingerprint with stray bits in its last character (two texts must not name one certificate)", () => {
  const canonical = digest.toString("base64url");
  const last = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".indexOf(canonical[42]);
  const stray = canonical.slice(0, 42) + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[last | 1];
  expect(Buffer.from(stray, "base64url")).toEqual(digest); // node decodes it to the same bytes…
  expect(refusal({ machineClients: { a: { fingerprint: stray } } }).message).toMatch(/not a SHA-256 certificate fingerprint/); // …so it is refused
});

it("reads the example configuration: resource server accounts, the machine clients reporting (pinned) and partner (tls_client_auth)", () => {
  const config = loadDeploymentConfig({ env: {}, configFile: join(__dirname, "..", "..", "examples", "cbat.config.json") });
  expect(config.api!.resourceServer).toBe("accounts");
  expect(config.machineClients).toEqual([
    { name: "reporting", x5tS256: "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg", scopes: ["accounts/invoke", "accounts/read"] },
    { name: "partner", x5tS256: "tls_client_auth", tokenEndpointAuthMethod: "tls_client_auth", tlsClientAuth: { subjectDn: "CN=partner,O=Example Partner", issuerDn: undefined }, scopes: ["accounts/invoke", "accounts/read"] },
  ]);
  // Every scope of its document is one of the resource server's.
  for (const route of config.api!.routes) for (const scope of route.scopes) expect(scope.startsWith("accounts/")).toBe(true);
});
