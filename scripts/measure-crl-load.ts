/**
 * Child process of `npm run bench` (run with --expose-gc): loads a CRL bundle and truststore
 * into a RevocationList several times and prints, as one JSON line, the first and median load times and the
 * heap the loaded list keeps (heap after a full GC with the list held, minus before).
 */
import { readFileSync } from "node:fs";
import { RevocationList } from "../handlers/lib/revocation-list";

const [crlFile, truststoreFile] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");
const crls = readFileSync(crlFile);
const truststore = readFileSync(truststoreFile);
const firstStarted = process.hrtime.bigint();
RevocationList.fromBundles(crls, truststore); // a container's first load: cold code
const firstMs = Number(process.hrtime.bigint() - firstStarted) / 1e6;
const times: number[] = [];
for (let i = 0; i < 5; i++) {
  const started = process.hrtime.bigint();
  RevocationList.fromBundles(crls, truststore);
  times.push(Number(process.hrtime.bigint() - started) / 1e6);
}
gc();
const before = process.memoryUsage().heapUsed;
const coldStarted = process.hrtime.bigint();
const list = RevocationList.fromBundles(crls, truststore);
const lastMs = Number(process.hrtime.bigint() - coldStarted) / 1e6;
gc();
const heapMb = (process.memoryUsage().heapUsed - before) / 1e6;
process.stdout.write(`${JSON.stringify({ firstMs, medianMs: [...times].sort((a, b) => a - b)[2], lastMs, heapMb, revoked: list.summary.revoked })}\n`);
