/**
 * `tokenEndpointAuthMethod` of a machine client in cbat.config.json (RFC 8705 §2): tls_client_auth
 * with a subject DN (and optional issuer DN) instead of a pinned certificate; the default stays the
 * pinned certificate; bad input names the file, the client and the field.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeploymentConfigError, loadDeploymentConfig } from "../../stacks/deployment-config";

const FINGERPRINT = "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU";
let dir: string;
let count = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cbat-auth-method-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function load(clients: unknown) {
  const file = join(dir, `cbat.config.${count++}.json`);
  writeFileSync(file, JSON.stringify({ machineClients: clients }));
  return loadDeploymentConfig({ env: {}, configFile: file });
}
function refusal(clients: unknown): DeploymentConfigError {
  try {
    load(clients);
  } catch (error) {
    if (error instanceof DeploymentConfigError) return error;
    throw error;
  }
  throw new Error("accepted");
}

test("tls_client_auth: registered by subject DN (and issuer DN), the registry marks it for vouchers", () => {
  const [client] = load({ "partner-a": { tokenEndpointAuthMethod: "tls_client_auth", subjectDn: "CN=payments,O=Partner A,C=GB", issuerDn: "CN=Partner CA", scopes: ["cbat/read"] } }).machineClients!;
  expect(client).toEqual({ name: "partner-a", x5tS256: "tls_client_auth", tokenEndpointAuthMethod: "tls_client_auth", tlsClientAuth: { subjectDn: "CN=payments,O=Partner A,C=GB", issuerDn: "CN=Partner CA" }, scopes: ["cbat/invoke", "cbat/read"] });
});

test("the default and self_signed_tls_client_auth pin the certificate as before", () => {
  const clients = load({ a: { fingerprint: FINGERPRINT }, b: { fingerprint: FINGERPRINT, tokenEndpointAuthMethod: "self_signed_tls_client_auth" } }).machineClients!;
  expect(clients.map((c) => [c.name, c.x5tS256, c.tokenEndpointAuthMethod])).toEqual([["a", FINGERPRINT, undefined], ["b", FINGERPRINT, "self_signed_tls_client_auth"]]);
});

test.each([
  ["an unknown method", { a: { tokenEndpointAuthMethod: "private_key_jwt", fingerprint: FINGERPRINT } }, "machineClients.a.tokenEndpointAuthMethod", /"tls_client_auth".*"self_signed_tls_client_auth"/],
  ["tls_client_auth without subjectDn", { a: { tokenEndpointAuthMethod: "tls_client_auth" } }, "machineClients.a.subjectDn", /required for tls_client_auth.*RFC2253/],
  ["tls_client_auth with a pinned certificate", { a: { tokenEndpointAuthMethod: "tls_client_auth", subjectDn: "CN=a", fingerprint: FINGERPRINT } }, "machineClients.a.fingerprint", /registered by subjectDn/],
  ["an unreadable DN", { a: { tokenEndpointAuthMethod: "tls_client_auth", subjectDn: "CN=a,,O=b" } }, "machineClients.a.subjectDn", /character 6/],
  ["an unreadable issuer DN", { a: { tokenEndpointAuthMethod: "tls_client_auth", subjectDn: "CN=a", issuerDn: "Partner CA" } }, "machineClients.a.issuerDn", /unknown attribute type "Partner"/],
  ["a subjectDn on a pinned client", { a: { fingerprint: FINGERPRINT, subjectDn: "CN=a" } }, "machineClients.a.subjectDn", /only for "tokenEndpointAuthMethod": "tls_client_auth"/],
])("refuses %s", (_label, clients, setting, message) => {
  const error = refusal(clients);
  expect(error.setting).toMatch(new RegExp(`cbat\\.config\\.\\d+\\.json: ${setting.replace(/[.]/g, "\\.")}$`));
  expect(error.message).toMatch(message);
});

test("a client of the token endpoint whose registry entry could not fit a Standard SSM parameter is refused, naming it and the quota", () => {
  const scopes = Array.from({ length: 20 }, (_, i) => `cbat/${String(i).padStart(3, "0")}${"s".repeat(200)}`);
  const error = refusal({ big: { tokenEndpointAuthMethod: "tls_client_auth", subjectDn: "CN=big", scopes } });
  expect(error.setting).toMatch(/cbat\.config\.\d+\.json: machineClients\.big$/);
  expect(error.message).toMatch(/registry entry of machine client big .*use fewer or shorter scopes.*: \d{4} bytes, more than the 4096 of the AWS quota "SSM Parameter Store standard parameter value"/);
  // The same scopes on a client that names no method: its entry holds its binding only.
  expect(load({ big: { fingerprint: FINGERPRINT, scopes } }).machineClients).toHaveLength(1);
});

test("two tls_client_auth clients that one certificate could authenticate as are refused (review finding M1)", () => {
  const dn = (subjectDn: string, issuerDn?: string) => ({ tokenEndpointAuthMethod: "tls_client_auth", subjectDn, ...(issuerDn ? { issuerDn } : {}) });
  // The same subject under distinguishedNameMatch (case, spacing), one of them from any truststore CA.
  const anyCa = refusal({ low: dn("CN=svc,O=Example"), high: dn("cn=SVC, o=example", "CN=Partner CA") });
  expect(anyCa.message).toContain("machineClients.high.subjectDn");
  expect(anyCa.message).toContain("low and high register the same subjectDn (one without issuerDn, so from any truststore CA)");
  expect(refusal({ a: dn("CN=svc", "CN=Partner CA"), b: dn("cn=svc", "cn=partner ca") }).message).toContain("a and b register the same subjectDn and issuerDn");
  // Told apart by the issuer, or by the subject: accepted.
  expect(load({ a: dn("CN=svc", "CN=Partner CA"), b: dn("CN=svc", "CN=Other CA"), c: dn("CN=svc2") }).machineClients).toHaveLength(3);
});
