/**
 * `npm run bench`: the authorizer as it ships (the stack's esbuild settings, stacks/handler-bundle.ts).
 * Prints bundle size, cold init (fresh node process requiring the bundle), the warm
 * decision time for a valid request, its token reused and seen for the first time, next to the
 * crypto floor measured in the same loop (one RS256 verify + one SHA-256 of the DER; the three
 * interleaved, so all see the same machine state), network calls once warm, and the worst
 * time per call on adversarial input up to 1 MB (Authorization values and certificate PEMs built to
 * make parsers backtrack, plus the largest input each parser accepts to read).
 * Also the warm decision with a route's scope check (50-route table) against the same decision
 * without one, and with revocation checking (a 100,000-entry CRL loaded) against the same decision
 * without it, plus that CRL's load time and retained heap (scripts/bench-revocation.ts).
 * Targets: ratio ≤ 1.3, scope-check ratio ≤ 1.1, revocation ratio ≤ 1.1, CRL load ≤ 1 s and
 * ≤ 64 MB, bundle ≤ 64 KB, cold init ≤ 15 ms (next to what node's crypto and https alone take, measured the
 * same way), first-sight ratio ≤ 2.0, 0 network calls once warm, ≤ 2 ms per adversarial call.
 * Figures, not assertions.
 */
import { execFileSync } from "node:child_process";
import { createHash, createPublicKey, verify } from "node:crypto";
import { openSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { buildSync } from "esbuild";
import { bundleBuildOptions } from "../stacks/handler-bundle";
import { createCa, issueClientCert } from "../__tests__/support/certificates";
import { requestAuthorizerEvent } from "../__tests__/support/events";
import type { AuthorizerHandler } from "../handlers/authorizer";
import { accessTokenClaims, CLIENT_ID, createSigningKey, jwksOf, signJwt, USER_POOL_ID } from "../__tests__/support/tokens";
import { findPemBlocks } from "../handlers/lib/pem-block-finder";
import { MAX_AUTHORIZATION_CHARS } from "../handlers/lib/credential";
import { MAX_PEM_CHARS } from "../handlers/lib/thumbprint";
import { CRL_ENTRIES, revocationFigures } from "./bench-revocation";
import { countNetworkCalls } from "./network-calls";
import { benchTempDir } from "./bench-temp-dir";

const WARMUP = 500;
const SAMPLES = 3000;
const COLD_RUNS = 7;
const ADVERSARIAL_CALLS = 25;
const ONE_MB = 1 << 20;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const micros = (ns: bigint) => Number(ns) / 1000;

async function main() {
  const outDir = benchTempDir("cbat-bench-");
  const bundle = join(outDir, "authorizer", "index.js");
  // The bytes the stack ships: its esbuild settings, written here instead of into cdktf.out.
  buildSync({ ...bundleBuildOptions(resolve(__dirname, "../handlers"), ["authorizer"], resolve(__dirname, "..")), outdir: outDir, write: true, logLevel: "error" });
  const bundleBytes = statSync(bundle).size;

  const coldRequire = (file: string) => {
    const wallMs: number[] = [];
    const cpuMs: number[] = []; // CPU time too: wall time also counts waiting on a busy machine
    for (let i = 0; i < COLD_RUNS; i++) {
      const script = `const c=process.cpuUsage(),t=process.hrtime.bigint();require(${JSON.stringify(file)});const u=process.cpuUsage(c);process.stdout.write(JSON.stringify([Number(process.hrtime.bigint()-t)/1e6,(u.user+u.system)/1e3]))`;
      const [wall, cpu] = JSON.parse(execFileSync(process.execPath, ["-e", script], { env: { PATH: process.env.PATH } }).toString()) as [number, number];
      wallMs.push(wall);
      cpuMs.push(cpu);
    }
    return { wall: median(wallMs), cpu: median(cpuMs) };
  };
  const cold = coldRequire(bundle);
  // What node itself takes for the modules the authorizer cannot start without (crypto, and https for the JWKS download).
  const nodeModulesFile = join(outDir, "node-modules-only.js");
  writeFileSync(nodeModulesFile, 'require("node:crypto");require("node:https");require("node:stream");\n');
  const coldNodeModules = coldRequire(nodeModulesFile);

  // Count every way the bundle could reach the network once warm.
  const network = countNetworkCalls();

  // The decision log goes to a real file descriptor, as it would to Lambda's stdout.
  const devNull = openSync("/dev/null", "w");
  console.log = (line: string) => void writeSync(devNull, `${line}\n`);

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createAuthorizer } = require(bundle) as typeof import("../handlers/authorizer");
  const key = createSigningKey();
  const cert = await issueClientCert(await createCa(), "CN=bench-client", "rsa");
  const x5t = createHash("sha256").update(cert.der).digest("base64url");
  const token = signJwt(key, accessTokenClaims({ cnf: { "x5t#S256": x5t } }));
  const event = requestAuthorizerEvent({ authorization: `Bearer ${token}`, certPem: cert.pem });
  const authorize = createAuthorizer({ userPoolId: USER_POOL_ID, clientId: CLIENT_ID, jwks: jwksOf(key) });

  for (let i = 0; i < WARMUP; i++) await authorize(event);
  const beforeWarm = network.count();
  const publicKey = createPublicKey({ key: key.jwk as never, format: "jwk" });
  const [signingInput, signature] = [token.slice(0, token.lastIndexOf(".")), Buffer.from(token.split(".")[2], "base64url")];
  // Tokens never seen before: the signature is checked (verified-token cache miss). The first
  // WARMUP of them warm that path as the reused token's warmed its own.
  const freshEvents = Array.from({ length: WARMUP + SAMPLES }, () => requestAuthorizerEvent({ authorization: `Bearer ${signJwt(key, accessTokenClaims({ cnf: { "x5t#S256": x5t } }))}`, certPem: cert.pem }));
  for (const freshEvent of freshEvents.slice(0, WARMUP)) await authorize(freshEvent);
  const firstSeen: number[] = [];
  const decision: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    // Interleaved so all three see the same machine state.
    let t = process.hrtime.bigint();
    await authorize(freshEvents[WARMUP + i]);
    firstSeen.push(micros(process.hrtime.bigint() - t));
    t = process.hrtime.bigint();
    const result = await authorize(event);
    decision.push(micros(process.hrtime.bigint() - t));
    if (result.context.x5tS256 !== x5t) throw new Error("bench request was not allowed");
    t = process.hrtime.bigint();
    const ok = verify("RSA-SHA256", Buffer.from(signingInput), publicKey, signature);
    createHash("sha256").update(cert.der).digest("base64url");
    floor.push(micros(process.hrtime.bigint() - t));
    if (!ok) throw new Error("floor verification failed");
  }
  const warmNetworkCalls = network.count() - beforeWarm;

  // Per-route scopes: the same valid request on a route needing two scopes, out of a 50-route
  // table, interleaved with the same request to an authorizer without a table.
  const routeScopes = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`GET /resource${i}/{id}`, [`resource${i}/read`, "audit/log"]]));
  routeScopes["GET /example"] = ["example/read", "audit/log"];
  const scopedToken = signJwt(key, accessTokenClaims({ cnf: { "x5t#S256": x5t }, scope: "aws.cognito.signin.user.admin audit/log example/read" }));
  const scopedEvent = requestAuthorizerEvent({ authorization: `Bearer ${scopedToken}`, certPem: cert.pem });
  const authorizeScoped = createAuthorizer({ userPoolId: USER_POOL_ID, clientId: CLIENT_ID, jwks: jwksOf(key), routeScopes });
  const unscoped: number[] = [];
  const scoped: number[] = [];
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    // Alternate which goes first, so neither always runs on the other's warm caches.
    const time = async (run: AuthorizerHandler) => {
      const t = process.hrtime.bigint();
      const r = await run(scopedEvent);
      return { us: micros(process.hrtime.bigint() - t), r };
    };
    const first = i % 2 === 0 ? await time(authorize) : await time(authorizeScoped);
    const second = i % 2 === 0 ? await time(authorizeScoped) : await time(authorize);
    const [plain, scopedRun] = i % 2 === 0 ? [first.us, second] : [second.us, first];
    const withScopes = scopedRun.us;
    const result = scopedRun.r;
    if (result.policyDocument.Statement[0].Effect !== "Allow") throw new Error("scoped bench request was not allowed");
    if (i >= WARMUP) {
      unscoped.push(plain);
      scoped.push(withScopes);
    }
  }

  const revocation = await revocationFigures(bundle, key, SAMPLES, WARMUP);

  // Adversarial input: each case is one request the authorizer must refuse (or, for the
  // largest PEM it reads, allow), timed per call; the figure is the slowest case's median.
  const header = (authorization: string) => requestAuthorizerEvent({ authorization, certPem: cert.pem });
  const pem = (certPem: string) => requestAuthorizerEvent({ authorization: `Bearer ${token}`, certPem });
  const padTo = (prefix: string, unit: string, length: number) => prefix + unit.repeat(Math.ceil((length - prefix.length) / unit.length)).slice(0, length - prefix.length);
  const body64 = cert.der.toString("base64");
  const adversarial: Array<[string, Record<string, unknown>]> = [
    ["1 MB: bearer + spaces + line break (the review's case)", header(`${padTo("bearer", " ", ONE_MB - 2)}\nx`)],
    ["1 MB: Bearer + one long token", header(padTo("Bearer ", "a", ONE_MB))],
    ["1 MB: dots and letters", header(padTo("", "a.", ONE_MB))],
    ["1 MB: comma-separated tokens", header(padTo("", `Bearer ${token}, `, ONE_MB))],
    ["1 MB: PEM, BEGIN line and base64 without END", pem(padTo("-----BEGIN CERTIFICATE-----\n", "A", ONE_MB))],
    ["1 MB: PEM, repeated BEGIN lines", pem(padTo("", "-----BEGIN ", ONE_MB))],
    ["1 MB: PEM, whitespace before the certificate", pem(`${" ".repeat(ONE_MB - cert.pem.length)}${cert.pem}`)],
    [`${MAX_AUTHORIZATION_CHARS} chars (limit): bearer + spaces + line break`, header(`${padTo("bearer", " ", MAX_AUTHORIZATION_CHARS - 2)}\nx`)],
    [`${MAX_AUTHORIZATION_CHARS} chars (limit): Bearer + dots`, header(padTo("Bearer ", "a.", MAX_AUTHORIZATION_CHARS))],
    [`${MAX_PEM_CHARS} chars (limit): the certificate wrapped 1 char a line`, pem(padTo(`-----BEGIN CERTIFICATE-----\n${body64.split("").join("\n")}\n-----END CERTIFICATE-----`, "\n", MAX_PEM_CHARS))],
    [`${MAX_PEM_CHARS} chars (limit): one block of base64`, pem(padTo("-----BEGIN CERTIFICATE-----\n", "AAAA", MAX_PEM_CHARS - 26) + "-----END CERTIFICATE-----")],
  ];
  const adversarialRows: Array<[string, number, number]> = [];
  for (const [name, adversarialEvent] of adversarial) {
    const times: number[] = [];
    for (let i = 0; i < ADVERSARIAL_CALLS + 5; i++) {
      const t = process.hrtime.bigint();
      await authorize(adversarialEvent).catch(() => undefined);
      if (i >= 5) times.push(micros(process.hrtime.bigint() - t));
    }
    adversarialRows.push([name, median(times), Math.max(...times)]);
  }
  const worst = adversarialRows.reduce((a, b) => (b[1] > a[1] ? b : a));
  // The CLI's PEM finder (operator files, not the request path): linear, work grows with the blocks found.
  const cliCases: Array<[string, string]> = [
    ["no END line: 1 MB of BEGIN lines", "-----BEGIN A-----".repeat(Math.floor(ONE_MB / 17))],
    ["1 MB of empty blocks", "-----BEGIN A----------END A-----".repeat(Math.floor(ONE_MB / 32))],
  ];
  const cliRows = cliCases.map(([name, text]) => {
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = process.hrtime.bigint();
      findPemBlocks(text);
      times.push(micros(process.hrtime.bigint() - t));
    }
    return [name, median(times)] as const;
  });

  const d = median(decision);
  const f = median(floor);
  const rows: Array<[string, string, string]> = [
    ["bundle size", `${(bundleBytes / 1024).toFixed(1)} KB (${bundleBytes} bytes)`, "≤ 64 KB"],
    ["cold init (require of the bundle, no CRL)", `${cold.wall.toFixed(1)} ms (${cold.cpu.toFixed(1)} ms CPU; median of ${COLD_RUNS} fresh processes)`, "≤ 15 ms"],
    ["  of which node's crypto + https alone", `${coldNodeModules.wall.toFixed(1)} ms (${coldNodeModules.cpu.toFixed(1)} ms CPU), the same way`, ""],
    ["warm decision, valid request (token reused)", `${d.toFixed(1)} µs (median of ${SAMPLES})`, ""],
    ["warm decision, token seen for the first time", `${median(firstSeen).toFixed(1)} µs (median of ${SAMPLES})`, ""],
    ["crypto floor (RS256 verify + SHA-256 of DER)", `${f.toFixed(1)} µs (median of ${SAMPLES})`, ""],
    ["ratio decision / floor (token reused)", (d / f).toFixed(2), "≤ 1.3"],
    ["ratio decision / floor (first sight)", (median(firstSeen) / f).toFixed(2), "≤ 2.0"],
    ["network calls once warm", String(warmNetworkCalls), "0"],
    ["warm decision with the route's scope check", `${median(scoped).toFixed(1)} µs vs ${median(unscoped).toFixed(1)} µs without (median of ${SAMPLES})`, ""],
    ["ratio with scope check / without", (median(scoped) / median(unscoped)).toFixed(2), "≤ 1.1"],
    [`warm decision with a ${CRL_ENTRIES}-entry CRL`, `${revocation.withMicros.toFixed(1)} µs vs ${revocation.withoutMicros.toFixed(1)} µs without (median of ${SAMPLES})`, ""],
    ["ratio with revocation check / without", (revocation.withMicros / revocation.withoutMicros).toFixed(2), "≤ 1.1"],
    [`CRL load, ${CRL_ENTRIES} entries (${(revocation.crlBytes / 1e6).toFixed(1)} MB PEM)`, `${revocation.firstLoadMs.toFixed(0)} ms first (${revocation.firstLoadCpuMs.toFixed(0)} ms CPU), then ${revocation.loadMs.toFixed(0)} ms (${revocation.loadCpuMs.toFixed(0)} ms CPU) median of 5`, "≤ 1 s"],
    [`extra heap for the ${CRL_ENTRIES}-entry list`, `${revocation.heapMb.toFixed(1)} MB (after GC, list held)`, "≤ 64 MB"],
    ["worst time per call, adversarial input ≤ 1 MB", `${(worst[1] / 1000).toFixed(3)} ms (median of ${ADVERSARIAL_CALLS}, ${adversarial.length} cases)`, "≤ 2 ms"],
  ];
  console.info("authorizer benchmark (node " + process.version + ")");
  for (const [name, value, target] of rows) console.info(`  ${name.padEnd(46)} ${value.padEnd(42)} ${target && `target ${target}`}`);
  console.info(`adversarial input, authorizer per call (median / max of ${ADVERSARIAL_CALLS}); slowest: ${worst[0]}`);
  for (const [name, med, max] of adversarialRows) console.info(`  ${name.padEnd(62)} ${(med / 1000).toFixed(3).padStart(7)} ms / ${(max / 1000).toFixed(3)} ms`);
  console.info("adversarial input, CLI PEM block finder per call (median of 7; not on the request path)");
  for (const [name, med] of cliRows) console.info(`  ${name.padEnd(62)} ${(med / 1000).toFixed(3).padStart(7)} ms`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
