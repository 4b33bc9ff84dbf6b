/**
 * `npm run bench:local`: load on the local environment over keep-alive mutual-TLS
 * connections (loopback only, bounded: a fixed number of requests), next to a plain local
 * https hello server with the same TLS settings measured in the same run.
 * Prints requests/s, p50/p99 latency and errors, and (on Linux) each server process's CPU time per
 * request, a figure the other work on a shared machine barely moves. Target: 0 errors, ratio >= 0.7.
 * BENCH_CPU_PROF=<dir> writes the gateway's CPU profile there (node --cpu-prof).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { processCpuMs } from "./process-cpu";
import { Agent, request } from "node:https";
import { join, resolve } from "node:path";
import { benchTempDir } from "./bench-temp-dir";

const ROOT = resolve(__dirname, "..");
const REQUESTS = 5000;
const CONCURRENCY = 8;
const WARMUP = 200;

interface LoadResult { rps: number; p50: number; p99: number; errors: number; cpuMicrosPerRequest?: number }

function startChild(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "inherit"] });
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function get(agent: Agent, url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolveStatus, reject) => {
    const req = request(url, { agent, headers }, (res) => {
      res.resume();
      res.on("end", () => resolveStatus(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

async function load(url: string, tls: { cert: Buffer; key: Buffer; ca: Buffer }, headers: Record<string, string>, server: ChildProcess): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY, ...tls });
  for (let i = 0; i < WARMUP; i++) await get(agent, url, headers);
  const cpuBefore = processCpuMs(server.pid);
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < REQUESTS) {
      next++;
      const t = process.hrtime.bigint();
      try {
        if ((await get(agent, url, headers)) !== 200) errors++;
      } catch {
        errors++;
      }
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuAfter = processCpuMs(server.pid);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { rps: latencies.length / seconds, p50: latencies[Math.floor(latencies.length * 0.5)], p99: latencies[Math.floor(latencies.length * 0.99)], errors,
    cpuMicrosPerRequest: cpuBefore === undefined || cpuAfter === undefined ? undefined : ((cpuAfter - cpuBefore) * 1000) / latencies.length };
}

async function main() {
  const dir = benchTempDir("cbat-bench-local-");
  const children: ChildProcess[] = [];
  try {
    const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${resolve(process.env.BENCH_CPU_PROF)}`] : [];
    const local = startChild([...profile, "--require", "tsx/cjs", "local/main.ts", "--dir", dir, "--issuer-port", "0", "--gateway-port", "0"]);
    children.push(local);
    const summary = await waitFor("the local environment", () => (existsSync(join(dir, "stack.json")) ? JSON.parse(readFileSync(join(dir, "stack.json"), "utf8")) : undefined));
    const tls = { cert: readFileSync(summary.pki.client), key: readFileSync(summary.pki.clientKey), ca: readFileSync(summary.pki.ca) };
    const auth = await fetch(`${summary.issuerEndpoint}/`, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSCognitoIdentityProviderService.InitiateAuth" },
      body: JSON.stringify({ AuthFlow: "USER_PASSWORD_AUTH", ClientId: summary.clientId, AuthParameters: { USERNAME: summary.demoUser, PASSWORD: readFileSync(summary.demoPasswordFile, "utf8") } }),
    });
    const token = ((await auth.json()) as any).AuthenticationResult.AccessToken as string;

    // The baseline: a plain https server answering hello, same certificates and mutual TLS.
    const helloPortFile = join(dir, "hello-port");
    const hello = `const fs=require("fs");require("https").createServer({key:fs.readFileSync(${JSON.stringify(summary.pki.serverKey)}),cert:fs.readFileSync(${JSON.stringify(summary.pki.server)}),ca:fs.readFileSync(${JSON.stringify(summary.pki.ca)}),requestCert:true,rejectUnauthorized:true,minVersion:"TLSv1.2"},(q,s)=>{s.writeHead(200,{"content-type":"application/json"});s.end('{"message":"hello"}')}).listen(0,"127.0.0.1",function(){fs.writeFileSync(${JSON.stringify(helloPortFile)},String(this.address().port))})`;
    const helloServer = startChild(["-e", hello]);
    children.push(helloServer);
    const helloPort = await waitFor("the hello server", () => (existsSync(helloPortFile) ? readFileSync(helloPortFile, "utf8") : undefined));

    const baseline = await load(`https://127.0.0.1:${helloPort}/`, tls, {}, helloServer);
    const gateway = await load(`${summary.gatewayUrl}/example`, tls, { Authorization: `Bearer ${token}` }, local);
    const cpu = (r: LoadResult) => (r.cpuMicrosPerRequest === undefined ? "" : `   server CPU ${r.cpuMicrosPerRequest.toFixed(0)} µs/request`);
    const row = (name: string, r: LoadResult) =>
      `  ${name.padEnd(44)} ${r.rps.toFixed(0).padStart(6)} req/s   p50 ${r.p50.toFixed(2)} ms   p99 ${r.p99.toFixed(2)} ms   errors ${r.errors}${cpu(r)}`;
    console.info(`local load benchmark: ${REQUESTS} requests, ${CONCURRENCY} keep-alive mTLS connections, loopback (node ${process.version})`);
    console.info(row("plain https hello server (same mTLS)", baseline));
    console.info(row("local gateway: authorizer + example function", gateway));
    console.info(`  ratio gateway / plain                        ${(gateway.rps / baseline.rps).toFixed(2)}   target >= 0.7, 0 errors`);
    if (gateway.cpuMicrosPerRequest !== undefined && baseline.cpuMicrosPerRequest !== undefined) {
      console.info(`  ratio plain / gateway, server CPU a request  ${(baseline.cpuMicrosPerRequest / gateway.cpuMicrosPerRequest).toFixed(2)}   (the same comparison, independent of other load)`);
    }
  } finally {
    for (const child of children) child.kill("SIGTERM");
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
