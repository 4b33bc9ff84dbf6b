/**
 * `npm run test:deploy`'s entry point when it cannot run the cycle: no moto_server, a stand-in
 * without AWS-managed IAM policies, a bad AWS_ENDPOINT_URL or option. Fast; part of `npm test`.
 * The cycle itself runs in `npm run test:deploy` (__tests__/deploy/deploy-cycle.test.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { findMotoServer, MOTO_INSTALL_HINT, startMotoServer } from "../../scripts/deploy-cycle/aws-endpoint";
import { workerReattachEnv } from "../support/provider-pool";
import { runScript } from "../support/run-script";

const SCRIPT = "scripts/deploy-cycle/main.ts";
const skipReason = findMotoServer() ? undefined : `moto_server is not on the PATH; ${MOTO_INSTALL_HINT}`;

describe("npm run test:deploy without a usable stand-in", () => {
  /** This process's PATH without any folder that has moto_server (terraform and node stay reachable). */
  const pathWithoutMoto = () => (process.env.PATH ?? "").split(delimiter).filter((dir) => !findMotoServer(dir)).join(delimiter);

  it("fails with how to install moto when moto_server is missing", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${pathWithoutMoto()}${delimiter}${dirname(process.execPath)}` };
    delete env.AWS_ENDPOINT_URL;
    const result = await runScript(SCRIPT, [], env, true);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("moto_server is not on the PATH: install it with `pip install 'moto[server]'`");
    expect(result.stdout).not.toMatch(/deploy cycle: applied/);
  }, 120_000);

  const motoServer = findMotoServer();
  (motoServer ? it : it.skip)(motoServer ? "names the moto setting when the stand-in lacks AWS-managed IAM policies" : `names the moto setting for managed policies (skipped: ${skipReason})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "cbat-moto-"));
    // A moto started as users often do, without MOTO_IAM_LOAD_MANAGED_POLICIES.
    const moto = await startMotoServer(motoServer as string, join(dir, "moto.log"), {});
    try {
      // Its terraform attaches to this worker's running provider (provider-pool.ts): a provider start less.
      const result = await runScript(SCRIPT, [], { AWS_ENDPOINT_URL: moto.url, ...workerReattachEnv() });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("the AWS stand-in does not know the AWS-managed IAM policy policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs that the stack attaches: start moto_server with MOTO_IAM_LOAD_MANAGED_POLICIES=true");
      expect(result.stdout).not.toMatch(/applied \d+ resources/);
      const kept = /\(state, plans and logs kept in (\S+)\)/.exec(result.stderr)?.[1];
      if (kept) rmSync(kept, { recursive: true, force: true });
    } finally {
      await moto.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("refuses an AWS_ENDPOINT_URL that is not a base URL, and a bad option", async () => {
    const bad = await runScript(SCRIPT, [], { AWS_ENDPOINT_URL: "localhost:5000" });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('AWS_ENDPOINT_URL "localhost:5000" must be a base URL such as http://127.0.0.1:5000');
    const usage = await runScript(SCRIPT, ["--apply"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("usage: npm run test:deploy");
  }, 120_000);
});
