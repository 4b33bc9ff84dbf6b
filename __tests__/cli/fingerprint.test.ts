/** `cbat fingerprint` against openssl, for RSA and ECDSA certificates, PEM, DER and bundles. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCa, issueClientCert, type IssuedCertificate } from "../support/certificates";
import { runCli } from "../support/run-cli";

const dir = mkdtempSync(join(tmpdir(), "cbat-fp-"));
let rsa: IssuedCertificate;
let ecdsa: IssuedCertificate;

beforeAll(async () => {
  const ca = await createCa();
  rsa = await issueClientCert(ca, "CN=rsa client", "rsa");
  ecdsa = await issueClientCert(ca, "CN=ecdsa client", "ecdsa");
});

const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const openssl = (pemFile: string) =>
  execFileSync("bash", ["-c", `openssl x509 -in '${pemFile}' -outform DER | openssl dgst -sha256 -binary | basenc --base64url | tr -d '='`]).toString().trim();

it.each(["rsa", "ecdsa"] as const)("prints openssl's x5t#S256 for a %s certificate in PEM and in DER", async (kind) => {
  const cert = kind === "rsa" ? rsa : ecdsa;
  const pem = file(`${kind}.pem`, cert.pem);
  const expected = openssl(pem);
  const fromPem = await runCli(["fingerprint", pem]);
  expect(fromPem).toMatchObject({ code: 0, stdout: `${expected}\n`, stderr: "" });
  const der = file(`${kind}.der`, execFileSync("openssl", ["x509", "-in", pem, "-outform", "DER"]));
  expect((await runCli(["fingerprint", der])).stdout).toBe(`${expected}\n`);
  const hex = execFileSync("bash", ["-c", `openssl x509 -in '${pem}' -noout -fingerprint -sha256 | cut -d= -f2 | tr -d ':' | tr 'A-F' 'a-f'`]).toString().trim();
  expect((await runCli(["fingerprint", pem, "--format", "hex"])).stdout).toBe(`${hex}\n`);
  const json = JSON.parse((await runCli(["fingerprint", der, "--format", "json"])).stdout);
  expect(json).toMatchObject({ "x5t#S256": expected, sha256Hex: hex });
});

it("uses the first certificate of a bundle and says so on stderr; text around the blocks is fine", async () => {
  const bundle = file("bundle.pem", `Bag Attributes\n  friendlyName: rsa\n${rsa.pem}${ecdsa.pem}`);
  const result = await runCli(["fingerprint", bundle]);
  expect(result.code).toBe(0);
  expect(result.stdout).toBe(`${openssl(file("first.pem", rsa.pem))}\n`);
  expect(result.stderr).toContain("a bundle of 2 certificates; using the first");
});

it("names the file and exits 1 for an unreadable certificate, 2 for wrong usage", async () => {
  const missing = await runCli(["fingerprint", join(dir, "missing.pem")]);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain("missing.pem: file not found");
  const garbage = await runCli(["fingerprint", file("garbage.pem", "hello")]);
  expect(garbage.code).toBe(1);
  expect(garbage.stderr).toContain("garbage.pem: no certificate found");
  const truncated = await runCli(["fingerprint", file("truncated.der", rsa.der.subarray(0, 100))]);
  expect(truncated.code).toBe(1);
  expect(truncated.stderr).toContain("not a DER certificate");
  const usage = await runCli(["fingerprint", file("x.pem", rsa.pem), "--format", "base32"]);
  expect(usage.code).toBe(2);
  expect(usage.stderr).toContain("Allowed choices are base64url, hex, json");
});

it("has --help with an example on every command", async () => {
  for (const command of [["fingerprint"], ["truststore", "check"], ["pki", "dev"], ["user", "create"], ["bind"], ["token"], ["call"]]) {
    const help = await runCli([...command, "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Example[^\n]*:\n {2}cbat /);
  }
});
