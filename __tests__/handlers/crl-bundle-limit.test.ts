/**
 * Issue 21: the CRL bundle is bounded by what the authorizer's memory can hold, in the
 * authorizer (from AWS_LAMBDA_FUNCTION_MEMORY_SIZE) and in `cbat revocation check`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crlBundleLimitBytes, MAX_CRL_BUNDLE_BYTES, MAX_CRLS_PER_BUNDLE } from "../../handlers/lib/crl-bundle-limit";
import { revocationFromEnvironment } from "../../handlers/lib/revocation-environment";
import { RevocationList } from "../../handlers/lib/revocation-list";
import { createCa, issueClientCert, type IssuedCertificate } from "../support/certificates";
import { opensslCrl } from "../support/crls";
import { runCli } from "../support/run-cli";

const MIB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), "cbat-crl-limit-"));
let ca: IssuedCertificate;
beforeAll(async () => {
  ca = await createCa("CN=Limit CA,O=cbat tests");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("the limit follows the function's memory: 20 MiB at the stack's 256 MB, less at 128 MB, never above 32 MiB", () => {
  expect(crlBundleLimitBytes(256)).toBe(20 * MIB);
  expect(crlBundleLimitBytes()).toBe(20 * MIB);
  expect(crlBundleLimitBytes(128)).toBe(4 * MIB);
  expect(crlBundleLimitBytes(10_240)).toBe(MAX_CRL_BUNDLE_BYTES);
  const env = { CRL_KEY: "crls.pem", TRUSTSTORE_BUCKET: "b", TRUSTSTORE_KEY: "t.pem" };
  expect(revocationFromEnvironment({ ...env, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "128" })).toMatchObject({ maxBundleBytes: 4 * MIB });
  expect(revocationFromEnvironment(env)).toMatchObject({ maxBundleBytes: 20 * MIB });
});

it("a bundle over the limit is refused before it is parsed, naming the limit and what to do", () => {
  const bundle = Buffer.concat([opensslCrl(ca, []), Buffer.alloc(4 * MIB, 0x0a)]);
  expect(() => RevocationList.fromBundles(bundle, Buffer.from(ca.pem), { maxBundleBytes: 4 * MIB })).toThrow(
    new RegExp(`the CRL bundle is ${bundle.length} bytes, more than the ${4 * MIB} this authorizer's memory can load; publish fewer or smaller CRLs, or raise the authorizer's memory`),
  );
});

it(`a bundle of more than ${MAX_CRLS_PER_BUNDLE} CRLs is refused`, () => {
  const one = opensslCrl(ca, []);
  const bundle = Buffer.concat(Array.from({ length: MAX_CRLS_PER_BUNDLE + 1 }, () => one));
  expect(() => RevocationList.fromBundles(bundle, Buffer.from(ca.pem))).toThrow(/more than 5000 CRLs/);
});

it("cbat revocation check refuses a bundle the authorizer could not load, and says so in its help", async () => {
  const client = await issueClientCert(ca, "CN=client");
  const crl = join(dir, "crls.pem");
  writeFileSync(crl, Buffer.concat([opensslCrl(ca, []), Buffer.alloc(4 * MIB, 0x0a)]));
  writeFileSync(join(dir, "trust.pem"), ca.pem);
  writeFileSync(join(dir, "client.pem"), client.pem);
  const args = ["revocation", "check", "--crl", crl, "--truststore", join(dir, "trust.pem"), join(dir, "client.pem")];
  expect(await runCli(args)).toMatchObject({ code: 0, stdout: "good\n" });
  expect(await runCli([...args, "--authorizer-memory", "128"])).toMatchObject({ code: 2, stderr: expect.stringContaining("more than the 4194304 this authorizer's memory can load") });
  expect((await runCli(["revocation", "check", "--help"])).stdout).toContain(`The authorizer loads at most ${20 * MIB} bytes of CRLs at its 256 MB`);
});
