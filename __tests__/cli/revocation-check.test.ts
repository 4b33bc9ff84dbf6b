/** `cbat revocation check` through the real bin, on CRLs made by openssl: exit 0 good, 1 revoked, 2 undecided. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCa, issueClientCert, type IssuedCertificate } from "../support/certificates";
import { opensslCrl } from "../support/crls";
import { runCli } from "../support/run-cli";

const dir = mkdtempSync(join(tmpdir(), "cbat-revocation-check-"));
const file = (name: string, content: string | Buffer) => {
  writeFileSync(join(dir, name), content);
  return join(dir, name);
};
let ca: IssuedCertificate;
let revoked: IssuedCertificate;
let good: IssuedCertificate;
let truststore: string;

beforeAll(async () => {
  ca = await createCa("CN=Check CA,O=cbat tests", "rsa");
  [revoked, good] = [await issueClientCert(ca, "CN=revoked"), await issueClientCert(ca, "CN=good", "ecdsa")];
  truststore = file("truststore.pem", ca.pem);
  file("revoked.pem", revoked.pem);
  file("good.der", good.der);
});

const check = (crl: string, cert: string, trust = truststore) => runCli(["revocation", "check", "--crl", crl, "--truststore", trust, cert]);

it("exit 0 good and exit 1 revoked with the date, from PEM and DER CRLs and certificates", async () => {
  for (const crl of [file("crl.pem", opensslCrl(ca, [revoked])), file("crl.der", opensslCrl(ca, [revoked], { form: "DER" }))]) {
    const listed = await check(crl, join(dir, "revoked.pem"));
    expect(listed).toMatchObject({ code: 1, stdout: expect.stringMatching(/^revoked on \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z\n$/) });
    expect(await check(crl, join(dir, "good.der"))).toMatchObject({ code: 0, stdout: "good\n" });
  }
});

it.each([
  ["a CRL no truststore CA signed", async () => opensslCrl(await createCa("CN=Other CA,O=elsewhere"), []), /which is not a CA of the truststore/],
  ["an expired CRL", async () => opensslCrl(ca, [], { thisUpdate: new Date(Date.now() - 7_200_000), nextUpdate: new Date(Date.now() - 3_600_000) }), /expired at .* \(nextUpdate\); publish a current one/],
  ["an unreadable CRL", async () => Buffer.from("garbage"), /neither DER nor clean PEM/],
])("exit 2 for %s, with a message naming the file", async (_, make, message) => {
  const crl = file(`crl-${Math.random().toString(36).slice(2)}.pem`, await make());
  const result = await check(crl, join(dir, "good.der"));
  expect(result.code).toBe(2);
  expect(result.stdout).toBe("");
  expect(result.stderr).toMatch(message);
  expect(result.stderr).toContain(crl);
});

it("exit 2 for a missing file", async () => {
  const result = await check(join(dir, "missing.pem"), join(dir, "good.der"));
  expect(result).toMatchObject({ code: 2, stderr: expect.stringContaining("missing.pem: file not found") });
});
