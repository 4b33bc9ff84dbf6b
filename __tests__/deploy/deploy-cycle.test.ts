/**
 * The deploy cycle (`npm run test:deploy`) for real: terraform apply, a second plan, SDK
 * checks and destroy against moto_server, the AWS stand-in (the true edge: there is no AWS
 * account here). Before the destroy, out-of-band changes that would let a token pass with
 * another certificate (authorizer results cached for 300 s) or write tokens into execution logs
 * (data tracing on every method) must show as drift and fail the SDK checks. Not part of
 * `npm test`: `npm run test:deploy` runs it (jest.deploy.config.js, through
 * scripts/deploy-cycle/test-deploy.ts, which passes --stack as CBAT_DEPLOY_STACK and prints the
 * cycle's lines from CBAT_DEPLOY_REPORT). Without a stand-in it fails with how to install moto.
 */
import { GetStageCommand, UpdateAuthorizerCommand, UpdateStageCommand } from "@aws-sdk/client-api-gateway";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { changeRoutes, CYCLE_OPERATIONS, writeCycleConfig } from "../../scripts/deploy-cycle/cycle-config";
import type { RecordedCall } from "../../scripts/deploy-cycle/moto-recorder";
import type { ReapplyResult } from "../../scripts/deploy-cycle/reapply";
import { AWS_QUOTAS } from "../../stacks/aws-quotas";
import { lambdaPolicyBytes } from "../../stacks/lambda-permissions";
import type { AppliedCheckReport } from "../../scripts/deploy-cycle/applied-checks";
import { runDeployCycle, summaryLine, type DeployCycleResult } from "../../scripts/deploy-cycle/cycle";
import type { DriftReport } from "../../scripts/deploy-cycle/drift";
import { MOTO_DESTROY_GAPS, MOTO_DRIFT_ALLOW_LIST, SKIPPED_INPUTS } from "../../scripts/deploy-cycle/moto-gaps";
import { destroyGapsLine } from "../../scripts/deploy-cycle/release-resources";
import { summarizePlan } from "../../review/plan-summary";
import type { PlanJson } from "../../scripts/terraform/offline-terraform";
import { STACK_NAME } from "../../stacks/stack-name";
import { assertTerraformAvailable, PROJECT_ROOT, synthApp } from "../support/terraform";

const stackName = process.env.CBAT_DEPLOY_STACK || STACK_NAME;
/**
 * The configuration the cycle deploys unless the caller names one: the example config (the accounts
 * API, groups, a machine client), so the resource server, the pool's domain, the machine client and
 * its binding registry are applied and destroyed too, with moto's missing DeleteResourceServer as a
 * named destroy gap; its document grown to CYCLE_OPERATIONS operations (scripts/deploy-cycle/cycle-config.ts).
 */
const generatedDir = process.env.CBAT_CONFIG ? undefined : mkdtempSync(join(tmpdir(), "cbat-cycle-config-"));
const CONFIG = { CBAT_CONFIG: process.env.CBAT_CONFIG || writeCycleConfig(generatedDir!) };
/** The route change needs the cycle's config (to change its document) and a moto_server of its own (its recorder). */
const routeChangeRuns = generatedDir !== undefined && !process.env.AWS_ENDPOINT_URL;
afterAll(() => generatedDir && rmSync(generatedDir, { recursive: true, force: true }));

describe("the deploy cycle against moto_server", () => {
  let result: DeployCycleResult;
  let probe: { drift: DriftReport; checks: AppliedCheckReport } | undefined;
  let rotation: { before: string; after: string; plan: PlanJson } | undefined;
  let routeChange: { result: ReapplyResult; deploymentBefore: string; deploymentAfter?: string } | undefined;
  let stack: { resource: Record<string, Record<string, unknown>> };
  const lines: string[] = [];

  beforeAll(async () => {
    assertTerraformAvailable();
    stack = JSON.parse(readFileSync(join(synthApp(PROJECT_ROOT, CONFIG), "stacks", stackName, "cdk.tf.json"), "utf8"));
    // The cycle synthesizes with this process's CBAT_* settings, as `npm run test:deploy` does.
    process.env.CBAT_CONFIG = CONFIG.CBAT_CONFIG;
    result = await runDeployCycle({
      stack: process.env.CBAT_DEPLOY_STACK || undefined,
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
        // A truststore upload (README: "Add a CA"): the next plan must load it, at the domain and in the authorizer.
        const domain = applied.configured.find((r) => r.type === "aws_api_gateway_domain_name");
        const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(domain?.values.mutual_tls_authentication?.[0]?.truststore_uri ?? "") ?? [];
        if (!bucket) throw new Error("the stack's custom domain has no truststore_uri");
        const current = await applied.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const pem = await current.Body!.transformToString();
        const upload = await applied.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `${pem.trimEnd()}\n`, ContentType: "application/x-pem-file" }));
        rotation = { before: current.VersionId!, after: upload.VersionId!, plan: await applied.plan() };
        // A team's next deploy: document A minus one route plus a new one (cycle-config.ts changeRoutes).
        if (routeChangeRuns) {
          const nextDir = join(generatedDir!, "next");
          mkdirSync(nextDir);
          const stageBefore = await applied.clients.apiGateway.send(new GetStageCommand({ restApiId: stage.values.rest_api_id, stageName: stage.values.stage_name }));
          routeChange = { result: await applied.reapply({ CBAT_CONFIG: writeCycleConfig(nextDir, CYCLE_OPERATIONS, changeRoutes) }), deploymentBefore: stageBefore.deploymentId! };
          routeChange.deploymentAfter = (await applied.clients.apiGateway.send(new GetStageCommand({ restApiId: stage.values.rest_api_id, stageName: stage.values.stage_name }))).deploymentId!;
        }
      },
    });
    const report = `${lines.join("\n")}\n${summaryLine(result)}\n`;
    if (process.env.CBAT_DEPLOY_REPORT) writeFileSync(process.env.CBAT_DEPLOY_REPORT, report);
    else process.stdout.write(report);
  }, 1_200_000); // a loaded machine: the cycle has its own step timeouts

  const instances = (types: (type: string) => boolean) =>
    Object.entries(stack.resource).filter(([type]) => types(type)).reduce((n, [, byName]) => n + Object.keys(byName).length, 0);

  it("applies every resource of the stack, plans without drift and destroys them all", () => {
    const skipped = SKIPPED_INPUTS.flatMap((s) => s.resourceTypes);
    expect(result.applied).toBe(instances((type) => !skipped.includes(type)));
    // What the route change's reapply added and destroyed (the example function's new permission: one more).
    expect(result.destroyed).toBe(result.applied + (routeChange ? routeChange.result.added - routeChange.result.destroyed : 0));
    // Released only by a named destroy gap, each undone (or the cycle would have failed).
    for (const released of result.released) expect(MOTO_DESTROY_GAPS.map((g) => g.resourceType)).toContain(released.type);
    expect(result.released.map((r) => r.type).sort()).toEqual(["aws_api_gateway_account", "aws_cognito_resource_server"]);
    expect(destroyGapsLine(result.released)).toBe("named destroy gaps of the stand-in: aws_api_gateway_account (UpdateAccount (reset_on_delete)), aws_cognito_resource_server (DeleteResourceServer): released from the state, shown gone through the SDK (scripts/deploy-cycle/moto-gaps.ts says why)");
    // The machine client's resources were applied, read back without drift and destroyed.
    for (const type of ["aws_cognito_resource_server", "aws_cognito_user_pool_domain"]) expect([type, instances((t) => t === type)]).toEqual([type, 1]);
    // The example's tls_client_auth client brings the mTLS token endpoint: its function, its two routes, the voucher and secrets keys.
    if (!process.env.CBAT_CONFIG) {
      const functions = Object.values(stack.resource.aws_lambda_function) as Array<{ function_name: string }>;
      expect(functions.map((f) => f.function_name)).toContain(`${stackName}-token-endpoint`);
      expect(instances((t) => t === "aws_kms_key")).toBe(2);
      expect((Object.values(stack.resource.aws_api_gateway_method) as Array<{ authorization: string }>).filter((m) => m.authorization === "NONE").length).toBe(2);
    }
    expect(result.drift.drift).toEqual([]);
    for (const change of result.drift.allowListed) {
      expect(change.actions).toEqual(["update"]);
      for (const attribute of change.attributes) expect(MOTO_DRIFT_ALLOW_LIST).toContainEqual(expect.objectContaining({ resourceType: change.type, attribute }));
    }
    expect(summaryLine(result)).toMatch(new RegExp(`^deploy cycle: applied ${result.applied}, drift 0 \\(${result.drift.allowListed.length} allow-listed\\), destroyed ${result.destroyed} in \\d+\\.\\d s$`));
  });

  it("checks through the SDK every pool, client, function, role, REST API, authorizer, domain, log group, stage, method setting, metric filter, method, KMS key, SSM parameter and the account's logging role", () => {
    expect(result.checks.problems).toEqual([]);
    const count = (type: string) => instances((t) => t === type);
    for (const type of [
      "aws_cognito_user_pool", "aws_cognito_user_pool_client", "aws_lambda_function", "aws_iam_role", "aws_api_gateway_rest_api", "aws_api_gateway_authorizer",
      "aws_api_gateway_domain_name", "aws_cloudwatch_log_group", "aws_api_gateway_account", "aws_api_gateway_stage", "aws_api_gateway_method_settings", "aws_cloudwatch_log_metric_filter",
      "aws_api_gateway_method", "aws_kms_key", "aws_ssm_parameter",
    ]) {
      expect([type, result.checks.checked[type]]).toEqual([type, count(type)]);
    }
    // The domain's truststore is not readable on moto: said, not silently passed.
    expect(result.checks.gaps.join("\n")).toMatch(/mutual_tls_authentication: not returned by the stand-in/);
  });

  it("applies an API of CYCLE_OPERATIONS operations, and reads every function's policy back (GetPolicy): each within Lambda's 20 KB", () => {
    const methods = Object.values(stack.resource.aws_api_gateway_method ?? {}) as Array<{ authorization: string }>;
    if (!process.env.CBAT_CONFIG) expect(methods.filter((m) => m.authorization === "CUSTOM").length).toBeGreaterThanOrEqual(CYCLE_OPERATIONS);
    const policies = lines.map((line) => /^ {2}function (\S+): resource-based policy (\d+) bytes \((\d+) statements?\) of (\d+)$/.exec(line)).filter((m) => m !== null);
    expect(policies.map((m) => m![1]).sort()).toEqual((Object.values(stack.resource.aws_lambda_function) as Array<{ function_name: string }>).map((f) => f.function_name).sort());
    for (const [, , bytes, , limit] of policies as RegExpExecArray[]) {
      expect(Number(limit)).toBe(AWS_QUOTAS.lambdaResourcePolicyBytes.value);
      expect(Number(bytes)).toBeLessThanOrEqual(AWS_QUOTAS.lambdaResourcePolicyBytes.value);
    }
    // The stack's own functions hold statements: a GetPolicy that found none would prove nothing.
    expect(policies.some((m) => Number(m![3]) > 0)).toBe(true);
    // Synth's size (the longest ARNs AWS can fill in) bounds what was stored, for API Gateway's statements.
    const functions = stack.resource.aws_lambda_function as Record<string, { function_name: string }>;
    const permissions = Object.values(stack.resource.aws_lambda_permission) as Array<{ function_name: string; statement_id: string; principal: string; source_arn: string }>;
    const handler = policies.find((m) => m![1] === "cert-bound-api-accounts")!;
    const statements = permissions
      .filter((p) => p.principal === "apigateway.amazonaws.com" && functions[/^\$\{aws_lambda_function\.([^.]+)\.function_name\}$/.exec(p.function_name)?.[1] ?? ""]?.function_name === handler[1])
      .map((p) => ({ statementId: p.statement_id, sourceArnSuffix: p.source_arn.replace(/^\$\{[^}]+\}\//, "") }));
    expect(statements.length).toBe(Number(handler[3]));
    expect(Number(handler[2])).toBeLessThanOrEqual(lambdaPolicyBytes(handler[1], statements));
  });

  it("loads a new truststore upload on the next apply: the domain and the authorizer change version in place, and plan:summary shows old → new", () => {
    const { before, after, plan } = rotation!;
    expect(after).not.toBe(before);
    const changeOf = (type: string, filter: (c: any) => boolean = () => true) => plan.resource_changes.filter((c: any) => c.type === type && filter(c));
    const [domain] = changeOf("aws_api_gateway_domain_name");
    expect(domain.change.actions).toEqual(["update"]);
    // The state's side ("before") of the domain is what moto returned: it drops mutual TLS (a named gap), so only "after" is checked here.
    expect(domain.change.after.mutual_tls_authentication[0].truststore_version).toBe(after);
    // The functions that read the truststore follow it in place: the authorizer, and the mTLS token endpoint.
    const readers = changeOf("aws_lambda_function", (c) => /-(authorizer|token-endpoint)$/.test(String(c.change.before?.function_name)));
    expect(readers.map((c: any) => String(c.change.before.function_name).replace(/^.*-(authorizer|token-endpoint)$/, "$1")).sort()).toEqual(["authorizer", "token-endpoint"]);
    for (const reader of readers) {
      expect(reader.change.actions).toEqual(["update"]);
      expect(reader.change.before.environment[0].variables.TRUSTSTORE_VERSION).toBe(before);
      expect(reader.change.after.environment[0].variables.TRUSTSTORE_VERSION).toBe(after);
    }
    // Nothing is replaced: the domain and the API keep serving while the new truststore loads.
    expect(plan.resource_changes.filter((c: any) => c.change.actions.includes("delete"))).toEqual([]);
    expect(summarizePlan(plan).security.find((row) => row.check.startsWith("truststore version"))).toMatchObject({ ok: true, warning: false, seen: expect.stringMatching(new RegExp(`→ ${after}$`)) });
  });

  // The apply's real order, as moto received the calls. The graph's edges themselves are checked, edge by edge, by
  // __tests__/stacks/deployment-order.test.ts; some orders here also follow from other edges (a method needs the authorizer).
  (routeChangeRuns ? it : it.skip)("orders a route change's apply: the new deployment after every method, integration, permission and the authorizer's code; then the stage; the removed route's method last", () => {
    const { result, deploymentBefore, deploymentAfter } = routeChange!;
    const calls = result.calls.map((call, index) => ({ ...call, index }));
    const first = (what: string, match: (c: RecordedCall) => boolean) => {
      const found = calls.filter(match);
      if (found.length === 0) throw new Error(`the apply made no ${what} call; it made: ${[...new Set(calls.filter((c) => c.method !== "GET").map((c) => `${c.service} ${c.method} ${c.path}`))].join("; ")}`);
      return found[0].index;
    };
    const apigateway = (method: string, path: RegExp) => (c: RecordedCall) => c.service === "apigateway" && c.method === method && path.test(c.path);
    const lambda = (method: string, path: RegExp) => (c: RecordedCall) => c.service === "lambda" && c.method === method && path.test(c.path);
    const createDeployment = first("CreateDeployment", apigateway("POST", /^\/restapis\/[^/]+\/deployments$/));
    const updateStage = first("UpdateStage", apigateway("PATCH", /^\/restapis\/[^/]+\/stages\/[^/]+$/));
    const before = {
      "PutMethod DELETE /accounts/{id}": first("PutMethod", apigateway("PUT", /\/methods\/DELETE$/)),
      "PutIntegration DELETE /accounts/{id}": first("PutIntegration", apigateway("PUT", /\/methods\/DELETE\/integration$/)),
      "UpdateFunctionCode of the authorizer (its route table)": first("UpdateFunctionCode", lambda("PUT", /\/functions\/[^/]*-authorizer\/code$/)),
    };
    for (const [what, index] of Object.entries(before)) expect([what, index < createDeployment]).toEqual([what, true]);
    // Every API Gateway permission this apply adds (the example function's first DELETE) exists before the deployment.
    const addPermissions = calls.filter(lambda("POST", /\/functions\/[^/]+\/policy$/));
    expect(addPermissions.map((c) => c.path)).toContainEqual(expect.stringMatching(/\/functions\/[^/]*-example\/policy$/));
    expect(addPermissions.filter((c) => c.index > createDeployment)).toEqual([]);
    expect(createDeployment).toBeLessThan(updateStage);
    expect(deploymentAfter).not.toBe(deploymentBefore);
    // The removed route: Terraform deletes its method only after the stage switched (create_before_destroy on the
    // deployment), so the new deployment still holds it until the next one; the authorizer answers it 403 route_unknown.
    // What docs/reference.md ("When a route change is live") says; a change of this order shows here first.
    expect(first("DeleteMethod GET /items/r0", apigateway("DELETE", /\/methods\/GET$/))).toBeGreaterThan(updateStage);
    expect(result.added).toBeGreaterThanOrEqual(4); // the new deployment, method, integration and permission
    expect(result.destroyed).toBeGreaterThanOrEqual(3); // the old deployment, the removed method and its integration
  });

  it("leaves no pool, function, role, REST API, domain, log group, SSM parameter or usable KMS key behind", () => {
    expect(result.leftovers.leftovers).toEqual([]);
    expect(Object.keys(result.leftovers.checked).sort()).toEqual([
      "aws_api_gateway_domain_name", "aws_api_gateway_rest_api", "aws_cloudwatch_log_group", "aws_cognito_user_pool", "aws_iam_role", "aws_kms_key", "aws_lambda_function", "aws_ssm_parameter",
    ]);
  });

  it("sees an authorizer that caches results and data tracing on every method as drift and as SDK problems", () => {
    expect(probe?.drift.drift.map((c) => [c.type, c.actions, c.attributes])).toEqual([
      ["aws_api_gateway_authorizer", ["update"], ["authorizer_result_ttl_in_seconds"]],
      ["aws_api_gateway_method_settings", ["update"], ["settings"]],
    ]);
    const problems = probe?.checks.problems.join("\n");
    expect(problems).toMatch(/authorizer certificate-bound-token: caches results for 300 s by method\.request\.header\.Authorization, not per certificate/);
    expect(problems).toMatch(/stage prod method settings \*\/\*: execution logging OFF with data trace true: it would record request headers, tokens included/);
  });
});
