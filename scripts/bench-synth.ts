/**
 * `npm run bench:synth`: how long synthesis takes and how much memory it needs.
 * - app synth: a node process running main.ts (as cdktf.json's app does, through tsx), no CLI;
 *   wall time and peak RSS measured inside that process;
 * - `cdktf synth`: the whole CLI, wall time from outside.
 * - app synth of a 50-operation API document (25 paths, GET and PUT each, every operation
 *   with a scope, x-cbat-handler and HTTP_PROXY backends mixed), through CBAT_CONFIG.
 * - app synth at the stated scale (scripts/scale-config.ts): 500 operations on one handler,
 *   500 machine clients, 100 groups.
 * Targets: app synth ≤ 1.0 s and ≤ 150 MB; 50 operations ≤ 1.5 s; 500 operations ≤ 3 s. Figures, not assertions.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { writeScaleConfig } from "./scale-config";

const ROOT = resolve(__dirname, "..");
/** Every folder the benchmark makes, removed at the end. */
const WORK = mkdtempSync(join(tmpdir(), "cbat-bench-synth-"));
const RUNS = 5;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function appSynth(configFile?: string, extraEnv: Record<string, string> = {}): { wallMs: number; maxRssMb: number } {
  const outdir = join(mkdtempSync(join(WORK, "synth-")), "cdktf.out");
  const { CBAT_CONFIG: _ignored, ...env } = process.env;
  const result = spawnSync(process.execPath, ["--require", "tsx/cjs", "--require", join(__dirname, "measure-process.cjs"), "main.ts"], {
    cwd: ROOT,
    env: { ...env, ...(configFile ? { CBAT_CONFIG: configFile } : {}), ...extraEnv, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`app synth failed:\n${result.stderr}`);
  return JSON.parse(result.stderr.trim().split("\n").pop()!);
}

function cliSynth(): number {
  const outdir = join(mkdtempSync(join(WORK, "cli-")), "cdktf.out");
  const started = process.hrtime.bigint();
  const result = spawnSync(join(ROOT, "node_modules", ".bin", "cdktf"), ["synth", "--output", outdir], {
    cwd: ROOT,
    env: { ...process.env, CHECKPOINT_DISABLE: "1", CI: "1" },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`cdktf synth failed:\n${result.stderr}\n${result.stdout}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** A config whose document has 50 operations. */
function fiftyOperationConfig(): string {
  const dir = mkdtempSync(join(WORK, "api-"));
  const paths: Record<string, unknown> = {};
  for (let i = 0; i < 25; i++) {
    const backend = i % 5 === 4
      ? { "x-amazon-apigateway-integration": { type: "http_proxy", httpMethod: "ANY", uri: `https://backend${i}.example.com/items/{id}`, requestParameters: { "integration.request.path.id": "method.request.path.id" } } }
      : { "x-cbat-handler": i % 2 === 0 ? "example" : "accounts" };
    paths[`/resource${i}/{id}`] = {
      get: { operationId: `get${i}`, security: [{ certificateBound: [`resource${i}/read`] }], ...backend },
      put: { operationId: `put${i}`, security: [{ certificateBound: [`resource${i}/write`] }], ...backend },
    };
  }
  writeFileSync(join(dir, "api.json"), JSON.stringify({ openapi: "3.0.3", info: { title: "bench", version: "1" }, paths }));
  writeFileSync(join(dir, "cbat.config.json"), JSON.stringify({ api: { openapi: "api.json", handlersDir: join(ROOT, "handlers") } }));
  return join(dir, "cbat.config.json");
}

try {
  // The first synth after a change of a handler or a dependency runs esbuild; later ones reuse its output (stacks/bundle-cache.ts).
  const unbundled = appSynth(undefined, { CBAT_BUNDLE_CACHE: "off" });
  const app = Array.from({ length: RUNS }, () => appSynth());
  const fiftyConfig = fiftyOperationConfig();
  const fifty = Array.from({ length: RUNS }, () => appSynth(fiftyConfig));
  const scaleConfig = writeScaleConfig(mkdtempSync(join(WORK, "scale-")));
  const scale = Array.from({ length: 3 }, () => appSynth(scaleConfig));
  const cli = Array.from({ length: 3 }, cliSynth);
  console.info(`synth benchmark (node ${process.version})`);
  console.info(`  app synth (main.ts, no CLI)   ${median(app.map((r) => r.wallMs)).toFixed(0)} ms median of ${RUNS}   target ≤ 1000 ms`);
  console.info(`  app synth, esbuild run again    ${unbundled.wallMs.toFixed(0)} ms (a handler or dependency changed)`);
  console.info(`  app synth peak memory         ${Math.max(...app.map((r) => r.maxRssMb)).toFixed(0)} MB max of ${RUNS}     target ≤ 150 MB`);
  console.info(`  app synth, 50-operation API    ${median(fifty.map((r) => r.wallMs)).toFixed(0)} ms median of ${RUNS}   target ≤ 1500 ms (${Math.max(...fifty.map((r) => r.maxRssMb)).toFixed(0)} MB)`);
  console.info(`  app synth, 500 operations + 500 machine clients + 100 groups   ${median(scale.map((r) => r.wallMs)).toFixed(0)} ms median of 3   target ≤ 3000 ms (${Math.max(...scale.map((r) => r.maxRssMb)).toFixed(0)} MB)`);
  console.info(`  cdktf synth (whole CLI)       ${median(cli).toFixed(0)} ms median of 3`);
} finally {
  rmSync(WORK, { recursive: true, force: true });
}
