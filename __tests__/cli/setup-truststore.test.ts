/**
 * Issue 24 (audit): `cbat setup --truststore FILE` puts the truststore through `cbat truststore
 * check` before anything is written (setup.test.ts never passes --truststore). Real certificates
 * from the project's PKI code; the real bin, offline (--no-aws).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCa, issueCertificate } from "../../local/pki";
import { runCli } from "../support/run-cli";
import { PROJECT_ROOT } from "../support/terraform";

const dir = mkdtempSync(join(tmpdir(), "cbat-setup-truststore-"));
const CONFIG = { CBAT_CONFIG: join(PROJECT_ROOT, "examples", "cbat.config.json") };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const setup = (out: string, truststore: string) => runCli(["setup", "--out", out, "--truststore", truststore, "--no-aws",
  "--region", "eu-west-1", "--domain", "api.example.com", "--certificate-arn", "arn:aws:acm:eu-west-1:123456789012:certificate/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e",
  "--bucket", "my-truststores", "--truststore-key", "truststore.pem", "--domain-prefix", "acme-api-auth"], CONFIG);

it("writes the tfvars for a truststore API Gateway accepts, and refuses one with a client certificate in it, writing nothing", async () => {
  const ca = await createCa("CN=Setup Root,O=cbat tests");
  const leaf = await issueCertificate(ca, "CN=not a CA", { kind: "ecdsa" });
  writeFileSync(join(dir, "good.pem"), ca.pem);
  writeFileSync(join(dir, "bad.pem"), ca.pem + leaf.pem);

  const good = await setup(join(dir, "good.tfvars"), join(dir, "good.pem"));
  expect({ code: good.code, stderr: good.stderr }).toEqual({ code: 0, stderr: "" });
  expect(existsSync(join(dir, "good.tfvars"))).toBe(true);
  expect(good.stdout).not.toContain("(cbat truststore check <file>)"); // checked, so not on the checklist

  const bad = await setup(join(dir, "bad.tfvars"), join(dir, "bad.pem"));
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/--truststore: \S+bad\.pem: .*is not a CA certificate/);
  expect(existsSync(join(dir, "bad.tfvars"))).toBe(false);
}, 60_000);
