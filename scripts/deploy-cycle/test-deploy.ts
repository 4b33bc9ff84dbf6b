/**
 * `npm run test:deploy [-- --stack NAME]`: the deploy cycle (main.ts's apply → no-drift plan →
 * destroy) with every assertion of its test suite, __tests__/deploy/deploy-cycle.test.ts, which
 * also proves that out-of-band changes show as drift. `npm test` leaves that suite out; this
 * runs it alone under jest (jest.deploy.config.js), then prints the cycle's progress and, last:
 *   deploy cycle: applied N, drift 0 (M allow-listed), destroyed N in S s
 * Exit codes: 0 the cycle and its tests passed; 1 they failed (jest names each failure); 2 usage error.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { endpointSource } from "./aws-endpoint";
import { deployArgsOrExit } from "./cli-args";
import { DeployCycleError } from "./cycle";

const PROJECT_ROOT = resolve(__dirname, "..", "..");

function main(argv: string[]): number {
  const args = deployArgsOrExit(argv);
  if (typeof args === "number") return args;
  // No stand-in: say how to get one before jest starts (the cycle would fail the same way).
  try {
    endpointSource(process.env);
  } catch (error) {
    console.error(new DeployCycleError([(error as Error).message]).message);
    return 1;
  }
  const dir = mkdtempSync(join(tmpdir(), "cbat-deploy-report-"));
  const report = join(dir, "cycle.txt");
  try {
    const jest = spawnSync(process.execPath, [require.resolve("jest/bin/jest", { paths: [PROJECT_ROOT] }), "--config", "jest.deploy.config.js"], {
      cwd: PROJECT_ROOT,
      stdio: "inherit",
      env: { ...process.env, CBAT_DEPLOY_STACK: args.stack ?? "", CBAT_DEPLOY_REPORT: report },
    });
    if (existsSync(report)) process.stdout.write(readFileSync(report, "utf8"));
    return jest.status === 0 ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = main(process.argv.slice(2));
