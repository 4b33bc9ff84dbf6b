/**
 * The plan summary on a real offline plan of our stack (terraform show -json), and on
 * copies of it with one security setting flipped, as a reviewer would meet them.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { summarizePlan, SUMMARY_MARKER, PlanFormatError } from "../../review/plan-summary";
import { STACK_NAME } from "../../stacks/stack-name";
import { workerReattachEnv } from "../support/provider-pool";
import { assertTerraformAvailable, OfflineTerraform, PROJECT_ROOT, synthApp, TEST_TFVARS } from "../support/terraform";

let plan: any;
let terraform: OfflineTerraform;
const dir = mkdtempSync(join(tmpdir(), "cbat-summary-"));

beforeAll(() => {
  assertTerraformAvailable();
  terraform = new OfflineTerraform(join(synthApp(), "stacks", STACK_NAME));
  terraform.ok("init", "-input=false");
  plan = terraform.planJson(terraform.writeVars("test.tfvars.json", TEST_TFVARS));
}, 180_000);

const clone = () => JSON.parse(JSON.stringify(plan));
const resourceOf = (p: any, type: string) => p.planned_values.root_module.resources.find((r: any) => r.type === type);
const rowOf = (markdown: string, check: string) => markdown.split("\n").find((line) => line.startsWith(`| ${check}`)) ?? "";

function runCli(p: unknown, ...args: string[]) {
  const file = join(dir, `plan-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(p));
  return spawnSync(process.execPath, ["--require", "tsx/cjs", join(PROJECT_ROOT, "review", "plan-summary-cli.ts"), file, ...args], { cwd: PROJECT_ROOT, encoding: "utf8" });
}

/** The day the nodejs22.x row is judged on: 156 days before its deprecation (2027-04-30). */
const TODAY = new Date("2026-11-25T09:00:00Z");

it("summarizes our real plan: counts, every security row passing, all resources listed", () => {
  const summary = summarizePlan(plan, STACK_NAME, { today: TODAY });
  expect(summary.markdown.startsWith(SUMMARY_MARKER)).toBe(true);
  expect(summary.counts).toEqual({ create: 44, update: 0, replace: 0, delete: 0 });
  expect(summary.markdown).toContain("**44 to create, 0 to update, 0 to replace, 0 to delete**");
  expect(summary.security).toHaveLength(23);
  expect(rowOf(summary.markdown, "reserved concurrency AWS can grant")).toContain("| ✅ | none reserved");
  expect(rowOf(summary.markdown, "Lambda permission statements this plan adds")).toContain("| ✅ | 3 statements on 3 functions");
  expect(rowOf(summary.markdown, "fixed monthly cost this plan adds")).toMatch(/\| ✅ \| \$\d+\.\d\d\/month \(\d+ alarms × \$0\.10/);
  expect(summary.security.filter((row) => !row.ok)).toEqual([]);
  // Revocation off, alarms without a topic, runtime support; the truststore version not known offline, the account setting managed here, MFA off.
  expect(summary.markdown).toContain("### Security posture ✅ (6 ⚠️ to look at)");
  expect(rowOf(summary.markdown, "truststore version")).toContain("| ⚠️ | (new) → latest (not known offline");
  expect(rowOf(summary.markdown, "API Gateway account setting")).toContain("| ⚠️ | managed by this stack");
  expect(rowOf(summary.markdown, "user sign-in with SRP")).toContain("| ✅ | ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_SRP_AUTH |");
  expect(rowOf(summary.markdown, "MFA for users")).toContain("| ⚠️ | OFF: a password alone signs users in");
  expect(rowOf(summary.markdown, "user pool deletion protection")).toContain("| ✅ | ACTIVE |");
  expect(rowOf(summary.markdown, "authorizer results not cached")).toContain("| ✅ | TTL 0");
  expect(rowOf(summary.markdown, "mutual TLS on the custom domain")).toContain("s3://cbat-truststore-test/truststore.pem");
  expect(rowOf(summary.markdown, "IAM statements with wildcard")).toMatch(/\| ✅ \| 0 .*accepted: AWS-managed AmazonAPIGatewayPushToCloudWatchLogs/);
  expect(rowOf(summary.markdown, "stage access logs")).toContain("| ✅ | JSON, 21 fields incl. clientCertSerial (no certificate DNs: they can carry quotes)");
  expect(rowOf(summary.markdown, "throttling on every method")).toContain("| ✅ | */*: 100 req/s, burst 200");
  expect(rowOf(summary.markdown, "alarms wired to a topic")).toContain("| ⚠️ | 6 of 6 alarms notify nobody: set alarm_topic_arn");
  expect(rowOf(summary.markdown, "Lambda runtime support")).toContain("| ⚠️ | nodejs22.x (3 functions): deprecated 2027-04-30, in 156 days");
  expect(summary.markdown.match(/^\| create \| `aws_/gm)).toHaveLength(44);
  const cli = runCli(plan, "--strict", "--today", "2026-11-25");
  expect(cli.status).toBe(0);
  expect(cli.stdout).toBe(summarizePlan(plan, undefined, { today: new Date("2026-11-25T00:00:00Z") }).markdown);
  expect(runCli(plan, "--today", "25.11.2026").status).toBe(2);
});

describe("certificate revocation row", () => {
  const revocationRow = (p: any) => rowOf(summarizePlan(p).markdown, "client certificate revocation (CRL) checked by the authorizer");

  it("warns (⚠️) when crl_key is null, the default, without failing --strict", () => {
    expect(plan.variables.crl_key.value).toBeNull();
    expect(revocationRow(plan)).toBe("| client certificate revocation (CRL) checked by the authorizer | ⚠️ | off (crl_key = null): a stolen certificate and key keep working until the certificate expires |");
    expect(summarizePlan(plan).securityFailures).toBe(0);
  });

  it("passes (✅) with crl_key set, naming the key, the refresh and the grace", () => {
    const on = clone();
    on.variables.crl_key.value = "crls.pem";
    expect(revocationRow(on)).toBe('| client certificate revocation (CRL) checked by the authorizer | ✅ | crl_key = "crls.pem", refreshed every 300 s, stale 3600 s after nextUpdate; client certificates only, intermediate CAs are not revocation-checked |');
  });
});

it("flags an authorizer TTL of 300, and --strict fails", () => {
  const flipped = clone();
  resourceOf(flipped, "aws_api_gateway_authorizer").values.authorizer_result_ttl_in_seconds = 300;
  const summary = summarizePlan(flipped, undefined, { today: TODAY });
  expect(summary.securityFailures).toBe(1);
  expect(rowOf(summary.markdown, "authorizer results not cached")).toContain("| ❌ | TTL 300");
  expect(summary.markdown).toContain("### Security posture ❌ (1 failing)");
  expect(runCli(flipped).status).toBe(0);
  const strict = runCli(flipped, "--strict", "--today", "2026-11-25");
  expect(strict.status).toBe(1);
  expect(strict.stderr).toContain("1 security check(s) failed");
});

it("warns about a plain http:// backend (a VPC link's private host, which synth lets through), and --strict fails", () => {
  const flipped = clone();
  const integration = resourceOf(flipped, "aws_api_gateway_integration").values;
  Object.assign(integration, { type: "HTTP_PROXY", uri: "http://10.0.0.5/orders", connection_type: "VPC_LINK", connection_id: "abc123" });
  const summary = summarizePlan(flipped, undefined, { today: TODAY });
  expect(summary.markdown).toMatch(/\| backends over https only \| ⚠️ \| plain http:\/\/ \(the caller's Authorization header crosses unencrypted\): http:\/\/10\.0\.0\.5\/orders/);
  expect(runCli(flipped, "--today", "2026-11-25").status).toBe(0);
  const strict = runCli(flipped, "--strict", "--today", "2026-11-25");
  expect(strict.status).toBe(1);
  expect(strict.stderr).toContain("1 security check(s) failed (--strict)");
});

it.each([
  ["mutual TLS on the custom domain", (p: any) => { resourceOf(p, "aws_api_gateway_domain_name").values.mutual_tls_authentication = []; }, "no mutual_tls_authentication"],
  ["custom domain security policy", (p: any) => { resourceOf(p, "aws_api_gateway_domain_name").values.security_policy = "TLS_1_0"; }, "TLS_1_0"],
  ["default execute-api endpoint", (p: any) => { resourceOf(p, "aws_api_gateway_rest_api").values.disable_execute_api_endpoint = false; }, "= false"],
  ["pre token generation trigger", (p: any) => { resourceOf(p, "aws_cognito_user_pool").values.lambda_config[0].pre_token_generation_config[0].lambda_version = "V1_0"; }, "V1_0"],
  ["user pool tier", (p: any) => { resourceOf(p, "aws_cognito_user_pool").values.user_pool_tier = "LITE"; }, "LITE"],
  ["custom:cert_fingerprint not writable", (p: any) => { resourceOf(p, "aws_cognito_user_pool_client").values.write_attributes = ["email", "custom:cert_fingerprint"]; }, "custom:cert_fingerprint"],
  ["custom:cert_fingerprint not writable", (p: any) => { resourceOf(p, "aws_cognito_user_pool_client").values.write_attributes = []; }, "write_attributes = []"],
  ["IAM statements with wildcard", (p: any) => {
    const policy = resourceOf(p, "aws_iam_role_policy");
    policy.values.policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] });
  }, "s3:*, *"],
  ["IAM statements with wildcard", (p: any) => {
    const policy = resourceOf(p, "aws_iam_role_policy");
    policy.values.policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "XRayAndMore", Effect: "Allow", Action: ["xray:PutTraceSegments", "logs:PutLogEvents"], Resource: "*" }] });
  }, "statement XRayAndMore: *"], // the X-Ray exception covers exactly its two actions
  ["IAM statements with wildcard", (p: any) => { resourceOf(p, "aws_iam_role_policy_attachment").values.policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"; }, "managed policy arn:aws:iam::aws:policy/AdministratorAccess"],
  ["stage access logs", (p: any) => { resourceOf(p, "aws_api_gateway_stage").values.access_log_settings = []; }, "no access_log_settings"],
  ["stage access logs", (p: any) => {
    const settings = resourceOf(p, "aws_api_gateway_stage").values.access_log_settings[0];
    settings.format = settings.format.replace('"domainName"', '"cert":"$context.identity.clientCert.clientCertPem","domainName"');
  }, "logs a token or the certificate PEM"],
  ["throttling on every method", (p: any) => { resourceOf(p, "aws_api_gateway_method_settings").values.settings[0].throttling_rate_limit = -1; }, "throttling off (-1 or 0) on */*"],
  ["throttling on every method", (p: any) => { p.planned_values.root_module.resources = p.planned_values.root_module.resources.filter((r: any) => r.type !== "aws_api_gateway_method_settings"); }, "no aws_api_gateway_method_settings on */*"],
])("flags %s when it is weakened", (check, weaken, seen) => {
  const flipped = clone();
  weaken(flipped);
  const summary = summarizePlan(flipped, undefined, { today: TODAY });
  expect(summary.securityFailures).toBe(1);
  const row = rowOf(summary.markdown, check);
  expect(row).toContain("| ❌ |");
  expect(row).toContain(seen);
});

describe("the trigger version and client_credentials clients", () => {
  const withVersion = (version: string, clientCredentials: boolean) => {
    const p = clone();
    resourceOf(p, "aws_cognito_user_pool").values.lambda_config[0].pre_token_generation_config[0].lambda_version = version;
    if (clientCredentials) {
      const machine = JSON.parse(JSON.stringify(resourceOf(p, "aws_cognito_user_pool_client")));
      Object.assign(machine, { address: "aws_cognito_user_pool_client.partner", name: "partner" });
      Object.assign(machine.values, { allowed_oauth_flows: ["client_credentials"], generate_secret: true });
      p.planned_values.root_module.resources.push(machine);
    }
    return summarizePlan(p);
  };

  it("passes V3_0 (our stack) and V2_0 for a pool without machine clients", () => {
    expect(rowOf(summarizePlan(plan).markdown, "pre token generation trigger")).toContain("| ✅ | V3_0");
    expect(rowOf(withVersion("V3_0", true).markdown, "pre token generation trigger")).toContain("| ✅ | V3_0");
    expect(rowOf(withVersion("V2_0", false).markdown, "pre token generation trigger")).toContain("| ✅ | V2_0");
  });

  it("flags V2_0 next to a client_credentials client: its tokens would be issued unbound", () => {
    const summary = withVersion("V2_0", true);
    expect(summary.securityFailures).toBe(1);
    expect(rowOf(summary.markdown, "pre token generation trigger")).toContain("| ❌ | V2_0 with 1 client_credentials client(s), whose tokens it would leave unbound");
  });
});

describe("checks every app client in the plan, not just the first", () => {
  const clientOf = (p: any) => resourceOf(p, "aws_cognito_user_pool_client");
  const addClient = (p: any, address: string, writeAttributes: unknown, module?: string) => {
    const client = { ...JSON.parse(JSON.stringify(clientOf(p))), address, name: address.split(".").pop() };
    client.values.write_attributes = writeAttributes;
    if (module) p.planned_values.root_module.child_modules = [{ address: module, resources: [client] }];
    else p.planned_values.root_module.resources.push(client);
  };
  const row = (p: any) => summarizePlan(p).security.find((c) => c.check === "custom:cert_fingerprint not writable by app clients")!;

  it.each([
    ["a second client that lists the attribute", ["email", "custom:cert_fingerprint"], undefined, "custom:cert_fingerprint"],
    ["a second client that lists it in another case", ["Custom:Cert_Fingerprint"], undefined, "Custom:Cert_Fingerprint"],
    ["a second client with an empty list", [], undefined, "write_attributes = []"],
    ["a second client whose list is unknown until apply", undefined, undefined, "(unknown until apply)"],
    ["a client in a child module that lists it", ["custom:cert_fingerprint"], "module.partner", "custom:cert_fingerprint"],
  ])("%s", (_name, writeAttributes, module, seen) => {
    const p = clone();
    const address = `${module ? `${module}.` : ""}aws_cognito_user_pool_client.machine`;
    addClient(p, address, writeAttributes, module);
    const checked = row(p);
    expect(checked.ok).toBe(false);
    expect(checked.seen).toContain(`${address}: write_attributes = ${seen === "(unknown until apply)" ? seen : ""}`);
    expect(checked.seen).toContain(seen);
    expect(checked.seen).toContain(`${clientOf(p).address}: write_attributes = ["email"]`);
  });

  it("passes when every client lists its attributes without it", () => {
    const p = clone();
    addClient(p, "aws_cognito_user_pool_client.machine", ["email", "name"]);
    expect(row(p)).toMatchObject({ ok: true, seen: expect.stringContaining('aws_cognito_user_pool_client.machine: write_attributes = ["email","name"]') });
  });
});

describe("running it in production", () => {
  it("shows the alarms' topic when alarm_topic_arn is set", () => {
    const wired = clone();
    for (const alarm of wired.planned_values.root_module.resources.filter((r: any) => r.type === "aws_cloudwatch_metric_alarm")) alarm.values.alarm_actions = ["arn:aws:sns:eu-west-1:123456789012:ops"];
    expect(rowOf(summarizePlan(wired, undefined, { today: TODAY }).markdown, "alarms wired to a topic")).toContain("| ✅ | 6 alarms → arn:aws:sns:eu-west-1:123456789012:ops");
  });

  it.each([
    ["2026-10-01", "✅", "nodejs22.x (3 functions): supported until 2027-04-30"],
    ["2026-11-01", "⚠️", "in 180 days"],
    ["2027-04-30", "❌", "deprecated since 2027-04-30; upgrade the provider and the runtime"],
  ])("judges nodejs22.x on %s: %s", (day, status, seen) => {
    const summary = summarizePlan(plan, undefined, { today: new Date(`${day}T00:00:00Z`) });
    expect(rowOf(summary.markdown, "Lambda runtime support")).toContain(`| ${status} |`);
    expect(rowOf(summary.markdown, "Lambda runtime support")).toContain(seen);
    expect(summary.securityFailures).toBe(status === "❌" ? 1 : 0);
  });

  it("warns about a runtime whose support it does not know", () => {
    const other = clone();
    resourceOf(other, "aws_lambda_function").values.runtime = "nodejs99.x";
    expect(rowOf(summarizePlan(other, undefined, { today: TODAY }).markdown, "Lambda runtime support")).toMatch(/\| ⚠️ \| nodejs99\.x \(1 function\): no deprecation date known here; nodejs22\.x \(2 functions\)/);
  });

  it("accepts X-Ray's trace writes on * (no resource-level permissions), and only those actions", () => {
    const traced = clone();
    resourceOf(traced, "aws_iam_role_policy").values.policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "XRayWrite", Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" }] });
    const summary = summarizePlan(traced, undefined, { today: TODAY });
    expect(summary.securityFailures).toBe(0);
    expect(rowOf(summary.markdown, "IAM statements with wildcard")).toContain("X-Ray trace writes on * (no resource-level permissions)");
  });
});

it("lists deletions and replacements first, flagged", () => {
  const changed = clone();
  const managed = changed.resource_changes.filter((c: any) => c.mode === "managed");
  managed.find((c: any) => c.type === "aws_lambda_function").change.actions = ["delete", "create"];
  managed.find((c: any) => c.type === "aws_cognito_user_pool").change.actions = ["delete"];
  managed.find((c: any) => c.type === "aws_api_gateway_stage").change.actions = ["update"];
  managed.find((c: any) => c.type === "aws_iam_role").change.actions = ["no-op"];
  const summary = summarizePlan(changed);
  expect(summary.counts).toEqual({ create: 40, update: 1, replace: 1, delete: 1 });
  const rows = summary.markdown.split("\n").filter((line) => /^\| (⚠️ )?(create|update|replace|delete) \|/.test(line));
  expect(rows[0]).toMatch(/^\| ⚠️ delete \| `aws_cognito_user_pool\./);
  expect(rows[1]).toMatch(/^\| ⚠️ replace \| `aws_lambda_function\./);
  expect(rows[2]).toMatch(/^\| update \| `aws_api_gateway_stage\./);
  expect(rows).toHaveLength(43);
});

it("explains bad input instead of crashing", () => {
  expect(() => summarizePlan({ hello: "world" })).toThrow(PlanFormatError);
  const notJson = join(dir, "not.json");
  writeFileSync(notJson, "terraform plan text output");
  const bad = spawnSync(process.execPath, ["--require", "tsx/cjs", join(PROJECT_ROOT, "review", "plan-summary-cli.ts"), notJson], { cwd: PROJECT_ROOT, encoding: "utf8" });
  expect(bad.status).toBe(1);
  expect(bad.stderr).toContain("terraform show -json");
  const missing = spawnSync(process.execPath, ["--require", "tsx/cjs", join(PROJECT_ROOT, "review", "plan-summary-cli.ts"), join(dir, "missing.json")], { cwd: PROJECT_ROOT, encoding: "utf8" });
  expect(missing.status).toBe(1);
  expect(missing.stderr).toContain("file not found");
  const usage = spawnSync(process.execPath, ["--require", "tsx/cjs", join(PROJECT_ROOT, "review", "plan-summary-cli.ts")], { cwd: PROJECT_ROOT, encoding: "utf8" });
  expect(usage.status).toBe(2);
  expect(usage.stderr).toContain("usage: npm run plan:summary");
});

describe("routes", () => {
  it("lists the API's routes with their scopes and backends, from the plan's api_routes output", () => {
    const summary = summarizePlan(plan);
    expect(summary.routes).toEqual([{ route: "GET /example", scopes: [], backend: "handler example", change: "new" }]);
    expect(summary.markdown).toContain("| `GET /example` | ⚠️ none (binding only) | handler example | new |");
    expect(rowOf(summary.markdown, "every method behind the certificate-bound authorizer")).toContain("| ✅ | 1 of 1 methods: authorization CUSTOM");
  });

  it("shows a reviewer the route a change adds without scopes, and the scopes a change drops", () => {
    const changed = clone();
    const before = { "GET /example": { scopes: ["example/read"], backend: "handler example" } };
    changed.planned_values.outputs.api_routes.value = {
      "GET /example": { scopes: [], backend: "handler example" },
      "DELETE /accounts/{id}": { scopes: [], backend: "handler accounts" },
    };
    changed.output_changes = { api_routes: { actions: ["update"], before, after: changed.planned_values.outputs.api_routes.value } };
    const summary = summarizePlan(changed);
    expect(summary.routes!.map((r) => [r.route, r.change])).toEqual([["DELETE /accounts/{id}", "added"], ["GET /example", "changed"]]);
    expect(summary.markdown).toContain("| `DELETE /accounts/{id}` | ⚠️ none (binding only) | handler accounts | ⚠️ added |");
  });

  it("tells the reviewer how to stop serving a removed route, naming the plan's deployment, and only then", () => {
    const changed = clone();
    const before = { ...changed.planned_values.outputs.api_routes.value, "GET /old": { scopes: ["old/read"], backend: "handler old" } };
    changed.output_changes = { api_routes: { actions: ["update"], before, after: changed.planned_values.outputs.api_routes.value } };
    const deployment = changed.resource_changes.find((c: any) => c.type === "aws_api_gateway_deployment").address;
    expect(deployment).toMatch(/^aws_api_gateway_deployment\./);
    const markdown = summarizePlan(changed).markdown;
    expect(markdown).toContain("| `GET /old` | `old/read` | handler old | ⚠️ removed |");
    expect(markdown).toContain(`⚠️ A removed route stays routed by the stage until the next deployment (the authorizer answers it 403 \`route_unknown\`): after this apply, apply again with \`-replace='${deployment}'\``);
    expect(summarizePlan(plan).markdown).not.toContain("stays routed");
  });

  it("fails the row when a method is open (authorization NONE)", () => {
    const flipped = clone();
    resourceOf(flipped, "aws_api_gateway_method").values.authorization = "NONE";
    expect(rowOf(summarizePlan(flipped).markdown, "every method behind the certificate-bound authorizer")).toMatch(/\| ❌ \| not CUSTOM: aws_api_gateway_method\..* \("NONE"\)/);
  });
});

describe("hints for a plan that is not JSON", () => {
  const summaryCli = (file: string, cwd: string) =>
    spawnSync(process.execPath, ["--require", require.resolve("tsx/cjs"), join(PROJECT_ROOT, "review", "plan-summary-cli.ts"), file], { cwd, encoding: "utf8" });

  /** Runs the hint's `terraform show -json … > …` in the stack folder, as a reviewer would, and follows it. */
  function followHint(stderr: string, binaryPlan: string) {
    const show = /`(terraform show -json [^`]+)`/.exec(stderr)?.[1];
    expect(show).toBeDefined();
    const before = readFileSync(binaryPlan);
    execFileSync("bash", ["-c", show!], { cwd: terraform.stackDir, env: { ...process.env, CHECKPOINT_DISABLE: "1", ...workerReattachEnv() }, stdio: "pipe" });
    expect(readFileSync(binaryPlan).equals(before)).toBe(true); // the plan survived
    const next = /`npm run plan:summary -- ([^`]+)`/.exec(stderr)?.[1];
    expect(next).toBeDefined();
    const summary = summaryCli(next!, terraform.stackDir);
    expect(summary.status).toBe(0);
    expect(summary.stdout.startsWith(SUMMARY_MARKER)).toBe(true);
  }

  it("converts a binary plan given by mistake into a separate JSON file", () => {
    const binaryPlan = join(terraform.stackDir, "tfplan"); // the real binary plan planJson wrote
    expect(readFileSync(binaryPlan).subarray(0, 2).toString("latin1")).toBe("PK");
    const result = summaryCli("tfplan", terraform.stackDir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("tfplan: a binary plan (terraform plan -out), not JSON");
    followHint(result.stderr, binaryPlan);
  });

  it("never suggests overwriting the binary plan when the named file is missing", () => {
    const binaryPlan = join(terraform.stackDir, "review.tfplan");
    copyFileSync(join(terraform.stackDir, "tfplan"), binaryPlan);
    // From the project root, where review.tfplan is not; the reviewer then runs the hint in the stack folder.
    const result = summaryCli("review.tfplan", mkdtempSync(join(tmpdir(), "cbat-summary-cwd-")));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("review.tfplan: file not found");
    followHint(result.stderr, binaryPlan);
  });
});
