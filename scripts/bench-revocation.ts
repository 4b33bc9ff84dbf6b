/**
 * Revocation figures for `npm run bench`: a 100,000-entry CRL made by `openssl ca -gencrl`, its
 * load time and retained heap (in a fresh process), and the bundled authorizer's warm decision
 * with that CRL loaded next to the same decision without revocation checking.
 */
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { buildSync } from "esbuild";
import { createCa, issueClientCert } from "../__tests__/support/certificates";
import { requestAuthorizerEvent } from "../__tests__/support/events";
import { accessTokenClaims, CLIENT_ID, jwksOf, signJwt, USER_POOL_ID, type SigningKey } from "../__tests__/support/tokens";
import { benchTempDir } from "./bench-temp-dir";

export const CRL_ENTRIES = 100_000;

export interface RevocationFigures {
  readonly crlBytes: number;
  readonly firstLoadMs: number;
  readonly firstLoadCpuMs: number;
  readonly loadMs: number;
  readonly loadCpuMs: number;
  readonly heapMb: number;
  readonly withMicros: number;
  readonly withoutMicros: number;
}

/** `openssl ca -gencrl` over an index of `entries` revoked serials (random, 16 bytes each, like real CAs'). */
function bigCrl(dir: string, caPem: string, caKeyPem: string, entries: number): string {
  const lines: string[] = [];
  for (let i = 0; i < entries; i++) lines.push(`R\t300101000000Z\t260101000000Z,keyCompromise\t${randomBytes(16).toString("hex").replace(/^[89a-f]/, "7").toUpperCase()}\tunknown\t/CN=revoked ${i}`);
  writeFileSync(join(dir, "index.txt"), `${lines.join("\n")}\n`);
  writeFileSync(join(dir, "crlnumber"), "01\n");
  writeFileSync(join(dir, "ca.cnf"), `[ca]\ndefault_ca = bench\n[bench]\ndatabase = ${join(dir, "index.txt")}\ncrlnumber = ${join(dir, "crlnumber")}\ndefault_md = sha256\ndefault_crl_days = 7\n`);
  writeFileSync(join(dir, "ca.pem"), caPem);
  writeFileSync(join(dir, "ca-key.pem"), caKeyPem);
  const crl = join(dir, "crl.pem");
  execFileSync("openssl", ["ca", "-config", join(dir, "ca.cnf"), "-gencrl", "-keyfile", join(dir, "ca-key.pem"), "-cert", join(dir, "ca.pem"), "-out", crl], { stdio: "pipe" });
  return crl;
}

export async function revocationFigures(bundle: string, key: SigningKey, samples: number, warmup: number): Promise<RevocationFigures> {
  const dir = benchTempDir("cbat-bench-crl-");
  const ca = await createCa("CN=Bench Revocation CA,O=cbat bench");
  const crlFile = bigCrl(dir, ca.pem, ca.privateKeyPem, CRL_ENTRIES);
  const truststoreFile = join(dir, "ca.pem");
  // Bundled like the authorizer (esbuild, minified): tsx's module interop would put a getter on every call between its modules.
  const measure = join(dir, "measure-crl-load.js");
  buildSync({ entryPoints: [resolve(__dirname, "measure-crl-load.ts")], outfile: measure, bundle: true, minify: true, platform: "node", target: "node20", format: "cjs", logLevel: "error" });
  const load = JSON.parse(execFileSync(process.execPath, ["--expose-gc", measure, crlFile, truststoreFile], { encoding: "utf8" }));
  if (load.revoked !== CRL_ENTRIES) throw new Error(`the bench CRL has ${load.revoked} entries`);

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createAuthorizer, fileRevocationSource } = require(bundle) as typeof import("../handlers/authorizer");
  const cert = await issueClientCert(ca, "CN=bench-client-not-revoked");
  const token = signJwt(key, accessTokenClaims({ cnf: { "x5t#S256": createHash("sha256").update(cert.der).digest("base64url") } }));
  const event = requestAuthorizerEvent({ authorization: `Bearer ${token}`, certPem: cert.pem });
  const plain = createAuthorizer({ userPoolId: USER_POOL_ID, clientId: CLIENT_ID, jwks: jwksOf(key) });
  const checked = createAuthorizer({ userPoolId: USER_POOL_ID, clientId: CLIENT_ID, jwks: jwksOf(key), revocation: { source: fileRevocationSource({ crlFile, truststoreFile }) } });
  const without: number[] = [];
  const withCrl: number[] = [];
  for (let i = 0; i < warmup + samples; i++) {
    let t = process.hrtime.bigint();
    await plain(event);
    const a = Number(process.hrtime.bigint() - t) / 1000;
    t = process.hrtime.bigint();
    const result = await checked(event);
    const b = Number(process.hrtime.bigint() - t) / 1000;
    if (result.policyDocument.Statement[0].Effect !== "Allow") throw new Error("the bench request with revocation checking was not allowed");
    if (i >= warmup) {
      without.push(a);
      withCrl.push(b);
    }
  }
  const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
  return { crlBytes: statSync(crlFile).size, firstLoadMs: load.firstMs, firstLoadCpuMs: load.firstCpuMs, loadMs: load.medianMs, loadCpuMs: load.medianCpuMs, heapMb: load.heapMb, withMicros: median(withCrl), withoutMicros: median(without) };
}
