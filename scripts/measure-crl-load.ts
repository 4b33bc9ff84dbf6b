/**
 * Child process of `npm run bench` (bundled, run with --expose-gc): loads a CRL bundle and
 * truststore into a RevocationList several times and prints one JSON line: the first load (cold
 * code, as in a new container) and the median of five more, in wall and CPU time (CPU time tells
 * the work apart from waiting on a busy machine), and the heap the loaded list keeps (after a full
 * GC, list held, minus before).
 */
import { readFileSync } from "node:fs";
import { RevocationList } from "../handlers/lib/revocation-list";

const [crlFile, truststoreFile] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");
const crls = readFileSync(crlFile);
const truststore = readFileSync(truststoreFile);

function timedLoad(): { wallMs: number; cpuMs: number; list: RevocationList } {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const list = RevocationList.fromBundles(crls, truststore);
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000, list };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const first = timedLoad();
const again = Array.from({ length: 5 }, timedLoad);
gc();
const before = process.memoryUsage().heapUsed;
const held = RevocationList.fromBundles(crls, truststore);
gc();
const heapMb = (process.memoryUsage().heapUsed - before) / 1e6;
process.stdout.write(`${JSON.stringify({
  firstMs: first.wallMs, firstCpuMs: first.cpuMs, medianMs: median(again.map((load) => load.wallMs)), medianCpuMs: median(again.map((load) => load.cpuMs)), heapMb, revoked: held.summary.revoked,
})}\n`);
