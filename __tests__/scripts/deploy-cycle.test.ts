/**
 * The deploy cycle (`npm run test:deploy`) for real: terraform apply, a second plan, SDK
 * checks and destroy against moto_server, the AWS stand-in (the true edge: there is no AWS
 * account here). Before the destroy, out-of-band changes that would let a token pass with
 * another certificate (authorizer results cached for 300 s) or write tokens into execution logs
 * (data tracing on every method) must show as drift and fail the SDK checks. Without
 * moto_server the cycle test is skipped, and says why. It runs the example config
 * (examples/cbat.config.json: the accounts API, groups, a machine client), so the resource
 * server, the pool's domain, the machine client and its binding registry are applied and
 * destroyed too, with moto's missing DeleteResourceServer as a named destroy gap.
 */
import { UpdateAuthorizerCommand, UpdateStageCommand } from "@aws-sdk/client-api-gateway";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import type { AppliedCheckReport } from "../../scripts/deploy-cycle/applied-checks";
import { findMotoServer, MOTO_INSTALL_HINT, startMotoServer } from "../../scripts/deploy-cycle/aws-endpoint";
import { runDeployCycle, summaryLine, type DeployCycleResult } from "../../scripts/deploy-cycle/cycle";
import type { DriftReport } from "../../scripts/deploy-cycle/drift";
import { MOTO_DESTROY_GAPS, MOTO_DRIFT_ALLOW_LIST, SKIPPED_INPUTS } from "../../scripts/deploy-cycle/moto-gaps";
import { destroyGapsLine } from "../../scripts/deploy-cycle/release-resources";
import { STACK_NAME } from "../../stacks/stack-name";
import { runScript } from "../support/run-script";
import { assertTerraformAvailable, PROJECT_ROOT, synthApp } from "../support/terraform";

const SCRIPT = "scripts/deploy-cycle/main.ts";
const standIn = process.env.AWS_ENDPOINT_URL ? "AWS_ENDPOINT_URL" : findMotoServer();
const skipReason = standIn ? undefined : `moto_server is not on the PATH; ${MOTO_INSTALL_HINT}`;
if (skipReason) console.warn(`SKIPPED: the deploy cycle test (apply → no-drift plan → destroy): ${skipReason}`);
const cycleIt = skipReason ? it.skip : it;
/** The configuration the cycle deploys, as a user would name it: `CBAT_CONFIG=examples/cbat.config.json npm run test:deploy`. */
const EXAMPLE_CONFIG = { CBAT_CONFIG: join(PROJECT_ROOT, "examples", "cbat.config.json") };

describe("the deploy cycle against moto_server", () => {
  let result: DeployCycleResult;
  let probe: { drift: DriftReport; checks: AppliedCheckReport } | undefined;
  let stack: { resource: Record<string, Record<string, unknown>> };
  const lines: string[] = [];

  beforeAll(async () => {
    if (skipReason) return;
    assertTerraformAvailable();
    stack = JSON.parse(readFileSync(join(synthApp(PROJECT_ROOT, EXAMPLE_CONFIG), "stacks", STACK_NAME, "cdk.tf.json"), "utf8"));
    // The cycle synthesizes with the caller's CBAT_* settings, as `npm run test:deploy` does.
    const previous = process.env.CBAT_CONFIG;
    process.env.CBAT_CONFIG = EXAMPLE_CONFIG.CBAT_CONFIG;
    try {
      result = await runDeployCycle({
        log: (line) => lines.push(line),
        beforeDestroy: async (applied) => {
          const authorizer = applied.configured.find((r) => r.type === "aws_api_gateway_authorizer");
          const stage = applied.configured.find((r) => r.type === "aws_api_gateway_stage");
          if (!authorizer || !stage) throw new Error("the stack has no authorizer or no stage");
          const setTtl = (seconds: number) => applied.clients.apiGateway.send(new UpdateAuthorizerCommand({
            restApiId: authorizer.values.rest_api_id,
            authorizerId: authorizer.values.id,
            patchOperations: [{ op: "replace", path: "/authorizerResultTtlInSeconds", value: String(seconds) }],
          }));
          const setDataTrace = (on: boolean) => applied.clients.apiGateway.send(new UpdateStageCommand({
            restApiId: stage.values.rest_api_id,
            stageName: stage.values.stage_name,
            patchOperations: [{ op: "replace", path: "/*/*/logging/dataTrace", value: String(on) }],
          }));
          // What console clicks would do: cache Allows for 300 s, keyed by the token alone; log request data.
          await setTtl(300);
          await setDataTrace(true);
          try {
            probe = { drift: await applied.drift(), checks: await applied.check() };
          } finally {
            await setTtl(0);
            await setDataTrace(false);
          }
        },
      });
    } finally {
      if (previous === undefined) delete process.env.CBAT_CONFIG;
      else process.env.CBAT_CONFIG = previous;
    }
    console.log(`${lines.join("\n")}\n${summaryLine(result)}`);
  }, 600_000);

  const instances = (types: (type: string) => boolean) =>
    Object.entries(stack.resource).filter(([type]) => types(type)).reduce((n, [, byName]) => n + Object.keys(byName).length, 0);

  cycleIt(skipReason ? `applies, plans without drift and destroys (skipped: ${skipReason})` : "applies every resource of the stack, plans without drift and destroys them all", () => {
    const skipped = SKIPPED_INPUTS.flatMap((s) => s.resourceTypes);
    expect(result.applied).toBe(instances((type) => !skipped.includes(type)));
    expect(result.destroyed).toBe(result.applied);
    // Released only by a named destroy gap, each undone (or the cycle would have failed).
    for (const released of result.released) expect(MOTO_DESTROY_GAPS.map((g) => g.resourceType)).toContain(released.type);
    expect(result.released.map((r) => r.type).sort()).toEqual(["aws_api_gateway_account", "aws_cognito_resource_server"]);
    expect(destroyGapsLine(result.released)).toBe("named destroy gaps of the stand-in: aws_api_gateway_account (UpdateAccount (reset_on_delete)), aws_cognito_resource_server (DeleteResourceServer): released from the state, shown gone through the SDK (scripts/deploy-cycle/moto-gaps.ts says why)");
    // The machine client's resources were applied, read back without drift and destroyed.
    for (const type of ["aws_cognito_resource_server", "aws_cognito_user_pool_domain", "aws_ssm_parameter"]) expect([type, instances((t) => t === type)]).toEqual([type, 1]);
    expect(result.drift.drift).toEqual([]);
    for (const change of result.drift.allowListed) {
      expect(change.actions).toEqual(["update"]);
      for (const attribute of change.attributes) expect(MOTO_DRIFT_ALLOW_LIST).toContainEqual(expect.objectContaining({ resourceType: change.type, attribute }));
    }
    expect(summaryLine(result)).toMatch(new RegExp(`^deploy cycle: applied ${result.applied}, drift 0 \\(${result.drift.allowListed.length} allow-listed\\), destroyed ${result.applied} in \\d+\\.\\d s$`));
  });

  cycleIt(skipReason ? `checks what was created through the SDK (skipped: ${skipReason})` : "checks through the SDK every pool, client, function, role, REST API, authorizer, domain, log group, stage, method setting, metric filter and the account's logging role", () => {
    expect(result.checks.problems).toEqual([]);
    const count = (type: string) => instances((t) => t === type);
    for (const type of [
      "aws_cognito_user_pool", "aws_cognito_user_pool_client", "aws_lambda_function", "aws_iam_role", "aws_api_gateway_rest_api", "aws_api_gateway_authorizer",
      "aws_api_gateway_domain_name", "aws_cloudwatch_log_group", "aws_api_gateway_account", "aws_api_gateway_stage", "aws_api_gateway_method_settings", "aws_cloudwatch_log_metric_filter",
    ]) {
      expect([type, result.checks.checked[type]]).toEqual([type, count(type)]);
    }
    // The domain's truststore is not readable on moto: said, not silently passed.
    expect(result.checks.gaps.join("\n")).toMatch(/mutual_tls_authentication: not returned by the stand-in/);
  });

  cycleIt(skipReason ? `leaves nothing behind (skipped: ${skipReason})` : "leaves no pool, function, role, REST API, domain or log group behind", () => {
    expect(result.leftovers.leftovers).toEqual([]);
    expect(Object.keys(result.leftovers.checked).sort()).toEqual([
      "aws_api_gateway_domain_name", "aws_api_gateway_rest_api", "aws_cloudwatch_log_group", "aws_cognito_user_pool", "aws_iam_role", "aws_lambda_function",
    ]);
  });

  cycleIt(skipReason ? `sees an authorizer cache and data tracing as drift (skipped: ${skipReason})` : "sees an authorizer that caches results and data tracing on every method as drift and as SDK problems", () => {
    expect(probe?.drift.drift.map((c) => [c.type, c.actions, c.attributes])).toEqual([
      ["aws_api_gateway_authorizer", ["update"], ["authorizer_result_ttl_in_seconds"]],
      ["aws_api_gateway_method_settings", ["update"], ["settings"]],
    ]);
    const problems = probe?.checks.problems.join("\n");
    expect(problems).toMatch(/authorizer certificate-bound-token: caches results for 300 s by method\.request\.header\.Authorization, not per certificate/);
    expect(problems).toMatch(/stage prod method settings \*\/\*: execution logging OFF with data trace true: it would record request headers, tokens included/);
  });
});

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
      const result = await runScript(SCRIPT, [], { AWS_ENDPOINT_URL: moto.url });
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
