/**
 * The development PKI: every certificate verifies against its CA for its whole validity
 * (checked with openssl at the end of each certificate's life), so nothing outlives its CA.
 */
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureDevPki, type DevPki } from "../../local/dev-pki";
import { createCa, issueCertificate } from "../../local/pki";

const DAY = 86_400_000;
let pki: DevPki;

beforeAll(async () => {
  pki = await ensureDevPki(join(mkdtempSync(join(tmpdir(), "cbat-dev-pki-")), "pki"));
}, 60_000);

const certificate = (file: string) => new X509Certificate(readFileSync(file));
/** `openssl verify` of `file` against the dev CA as of `when`. */
function verifiesAt(file: string, when: Date): boolean {
  try {
    execFileSync("openssl", ["verify", "-attime", String(Math.floor(when.getTime() / 1000)), "-CAfile", pki.cert.ca, file], { stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
}

it.each(["server", "client", "client2", "machine"] as const)("%s.pem verifies against the CA until its last day", (name) => {
  const cert = certificate(pki.cert[name]);
  const ca = certificate(pki.cert.ca);
  expect(new Date(cert.validTo).getTime()).toBeLessThanOrEqual(new Date(ca.validTo).getTime());
  expect(verifiesAt(pki.cert[name], new Date(Date.now() + DAY))).toBe(true);
  expect(verifiesAt(pki.cert[name], new Date(new Date(cert.validTo).getTime() - DAY))).toBe(true);
});

it("keeps the server certificate valid for the whole local setup (over two years)", () => {
  expect(new Date(certificate(pki.cert.server).validTo).getTime()).toBeGreaterThan(Date.now() + 730 * DAY);
});

it("never issues a certificate that outlives its CA, whatever is asked", async () => {
  const ca = await createCa("CN=Short CA", { days: 10 });
  const leaf = await issueCertificate(ca, "CN=Long leaf", { days: 825 });
  expect(new X509Certificate(leaf.pem).validTo).toBe(new X509Certificate(ca.pem).validTo);
  expect(new X509Certificate(leaf.pem).verify(new X509Certificate(ca.pem).publicKey)).toBe(true);
});

it("completes a PKI of an earlier version from its own CA, keeping every existing file", async () => {
  const dir = join(mkdtempSync(join(tmpdir(), "cbat-dev-pki-upgrade-")), "pki");
  const first = await ensureDevPki(dir);
  const before = Object.fromEntries(["ca", "client", "client2", "server"].map((name) => [name, readFileSync(first.cert[name as "ca"], "utf8")]));
  rmSync(first.cert.machine);
  rmSync(first.key.machine);
  const upgraded = await ensureDevPki(dir);
  expect(upgraded.created).toBe(true);
  for (const [name, pem] of Object.entries(before)) expect(readFileSync(upgraded.cert[name as "ca"], "utf8")).toBe(pem);
  const machine = certificate(upgraded.cert.machine);
  expect(machine.subject).toContain("CN=demo-machine");
  expect(machine.verify(certificate(upgraded.cert.ca).publicKey)).toBe(true);
  execFileSync("openssl", ["verify", "-CAfile", upgraded.cert.ca, upgraded.cert.machine], { stdio: "pipe" }); // throws unless it verifies
  expect(statSync(upgraded.key.machine).mode & 0o777).toBe(0o600);
  expect((await ensureDevPki(dir)).created).toBe(false);
});
