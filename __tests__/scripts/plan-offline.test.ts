/**
 * `npm run plan:offline`: a real synth, terraform init from the mirror and plan, without any
 * AWS credentials (the caller's AWS settings point at nothing usable), written as the JSON
 * that `plan:summary` reads.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { summarizePlan } from "../../review/plan-summary";
import type { PlanJson } from "../../scripts/terraform/offline-terraform";
import { workerReattachEnv } from "../support/provider-pool";
import { runScript } from "../support/run-script";
import { assertTerraformAvailable, TEST_TFVARS } from "../support/terraform";

const SCRIPT = "scripts/plan-offline.ts";
let userDir: string;
/** As if the user had no usable AWS account: a profile that does not exist, no keys. */
let noAws: NodeJS.ProcessEnv;

beforeAll(() => {
  assertTerraformAvailable();
  userDir = mkdtempSync(join(tmpdir(), "cbat-plan-offline-"));
  const { AWS_ACCESS_KEY_ID: _a, AWS_SECRET_ACCESS_KEY: _s, AWS_SESSION_TOKEN: _t, ...rest } = process.env;
  // The script's terraform uses this worker's running provider (provider-pool.ts), as the suites' own
  // plans do: the same binary, the plans are the same (provider-pool.test.ts), a provider start less each.
  noAws = { ...rest, AWS_PROFILE: "no-such-profile", AWS_CONFIG_FILE: join(userDir, "missing-config"), AWS_SHARED_CREDENTIALS_FILE: join(userDir, "missing-credentials"), INIT_CWD: userDir, ...workerReattachEnv() };
});

it("writes a plan.json from the user's var file without AWS credentials; plan:summary reads it", async () => {
  writeFileSync(join(userDir, "team.tfvars.json"), JSON.stringify({ ...TEST_TFVARS, log_retention_days: 90 }));
  // Paths are the user's (npm's INIT_CWD), not the project root's; -var wins over the file, as in terraform.
  const result = await runScript(SCRIPT, ["-var-file=team.tfvars.json", "-var", "custom_domain_name=api.team.example", "--out", "team-plan.json"], noAws, true);
  expect([result.code, result.stderr]).toEqual([0, expect.any(String)]);
  expect(result.stdout).toMatch(/wrote team-plan\.json: stack cert-bound-api, \d+ resource\(s\) to create/);
  expect(result.stdout).toContain("next: npm run plan:summary --");

  const plan = JSON.parse(readFileSync(join(userDir, "team-plan.json"), "utf8")) as PlanJson;
  expect(plan.variables?.custom_domain_name.value).toBe("api.team.example");
  expect(plan.variables?.log_retention_days.value).toBe(90);
  const summary = summarizePlan(plan);
  expect(summary.securityFailures).toBe(0);
  expect(summary.markdown).toMatch(/\*\*\d+ to create, 0 to update, 0 to replace, 0 to delete\*\*/);
}, 240_000);

it("plans with example inputs when given none, and says so", async () => {
  const result = await runScript(SCRIPT, ["--out", join(userDir, "example-plan.json")], noAws, true);
  expect(result.code).toBe(0);
  expect(result.stderr).toContain("no -var-file or -var given: planning with example inputs");
  const plan = JSON.parse(readFileSync(join(userDir, "example-plan.json"), "utf8")) as PlanJson;
  expect(plan.variables?.custom_domain_name.value).toBe("api.example.com");
}, 240_000);

it("passes terraform's refusal of a bad input through, exit 1", async () => {
  const result = await runScript(SCRIPT, ["-var-file=team.tfvars.json", "-var", "custom_domain_name=https://api.example.com", "--out", "bad.json"], noAws, true);
  expect(result.code).toBe(1);
  expect(result.stderr.replace(/\s+/g, " ")).toContain("custom_domain_name must be a lowercase DNS name");
}, 240_000);

it("names a missing var file and an unknown option, exit 2", async () => {
  const missing = await runScript(SCRIPT, ["-var-file=nope.tfvars"], noAws, true);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain(`${join(userDir, "nope.tfvars")}: var file not found`);
  expect(missing.stderr).toContain("usage: npm run plan:offline");
  const unknown = await runScript(SCRIPT, ["--apply"], noAws, true);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain("unknown option -apply");
  const help = await runScript(SCRIPT, ["--help"], noAws, true);
  expect([help.code, help.stdout]).toEqual([0, expect.stringContaining("default: plan.json at the project root")]);
});

it("asks which stack when several environments are configured", async () => {
  const result = await runScript(SCRIPT, ["--out", join(userDir, "env-plan.json")], { ...noAws, CBAT_ENVIRONMENTS: "dev,prod" }, true);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain("2 stacks were synthesized; name one with --stack (cert-bound-api-dev, cert-bound-api-prod)");
});
