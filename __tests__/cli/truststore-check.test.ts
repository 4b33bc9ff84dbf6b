/** `cbat truststore check` on bundles built with exactly one fault each, and a good one. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkTruststore } from "../../cli/truststore-check";
import { createCa, issueCertificate, type IssuedCertificate } from "../../local/pki";
import { runCli } from "../support/run-cli";

const DAY = 86_400_000;
let root: IssuedCertificate;
let intermediate: IssuedCertificate;

beforeAll(async () => {
  root = await createCa("CN=Good Root,O=cbat tests", { kind: "rsa" });
  intermediate = await issueCertificate(root, "CN=Good Issuing CA,O=cbat tests", { isCa: true, kind: "ecdsa", days: 200 });
});

async function chainOf(length: number): Promise<IssuedCertificate[]> {
  const chain = [await createCa("CN=Chain 1")];
  for (let i = 2; i <= length; i++) chain.push(await issueCertificate(chain[chain.length - 1], `CN=Chain ${i}`, { isCa: true, kind: "ecdsa", days: 100 }));
  return chain;
}

const bundle = (...certs: IssuedCertificate[]) => certs.map((c) => c.pem).join("");

it("accepts a good bundle: root and intermediate CA, strong keys and signatures", async () => {
  const report = await checkTruststore(bundle(root, intermediate));
  expect(report).toEqual({ certificates: 2, problems: [], fatal: false });
  expect((await checkTruststore(bundle(...(await chainOf(4))))).fatal).toBe(false);
});

it.each([
  ["a SHA-1 signature", async () => bundle(await createCa("CN=Weak Sig CA", { kind: "rsa", hash: "SHA-1" })), /CN=Weak Sig CA, serial [0-9a-f]+: signature uses SHA-1/],
  ["an RSA 1024 key", async () => bundle(await createCa("CN=Small Key CA", { kind: "rsa", rsaBits: 1024 })), /CN=Small Key CA, serial [0-9a-f]+: RSA key of 1024 bits/],
  ["a leaf that is not a CA", async () => bundle(root, await issueCertificate(root, "CN=Just A Client")), /CN=Just A Client, serial [0-9a-f]+: is not a CA certificate/],
  ["an expired CA", async () => bundle(await createCa("CN=Old CA", { notBefore: new Date(Date.now() - 400 * DAY), days: 300 })), /CN=Old CA, serial [0-9a-f]+: expired on/],
  ["a garbage block", async () => `${bundle(root)}-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n`, /block 2: does not parse as an X\.509 certificate/],
  ["a private key in the bundle", async () => `${bundle(root)}${root.privateKeyPem}`, /block 2: is a PRIVATE KEY block, not a certificate/],
  ["a chain of 5", async () => bundle(...(await chainOf(5))), /CN=Chain 5, serial [0-9a-f]+: chain of 5 certificates up to its root; API Gateway accepts at most 4/],
])("reports %s as an error naming the certificate", async (_name, build, message) => {
  const report = await checkTruststore(await build());
  expect(report.fatal).toBe(true);
  const errors = report.problems.filter((p) => p.severity === "error").map((p) => `${p.certificate}: ${p.message}`);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(message);
});

it("warns (without failing) about a CA that expires within 30 days", async () => {
  const soon = await createCa("CN=Soon CA", { notBefore: new Date(Date.now() - 300 * DAY), notAfter: new Date(Date.now() + 10 * DAY) });
  const report = await checkTruststore(bundle(soon));
  expect(report.fatal).toBe(false);
  expect(report.problems).toEqual([expect.objectContaining({ severity: "warning", message: expect.stringMatching(/within 30 days/) })]);
});

it("prints one line per problem and exits 1 on errors, 0 on a good bundle", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cbat-ts-"));
  const good = join(dir, "good.pem");
  const bad = join(dir, "bad.pem");
  writeFileSync(good, bundle(root, intermediate));
  writeFileSync(bad, bundle(root, await issueCertificate(root, "CN=Leaf")) + root.privateKeyPem);
  const ok = await runCli(["truststore", "check", good]);
  expect(ok.code).toBe(0);
  expect(ok.stdout).toContain("2 certificate(s), 0 error(s), 0 warning(s)");
  const failing = await runCli(["truststore", "check", bad]);
  expect(failing.code).toBe(1);
  const lines = failing.stdout.trim().split("\n");
  expect(lines.filter((l) => l.startsWith("ERROR "))).toHaveLength(2);
  expect(failing.stdout).not.toContain("PRIVATE KEY-----");
});
