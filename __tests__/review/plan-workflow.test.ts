/**
 * The pull-request workflow, parsed: it must test, synthesize, plan every stack with OIDC
 * credentials, post one summary comment, and never apply anything.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { SUMMARY_MARKER } from "../../review/plan-summary";
import { PROJECT_ROOT } from "../support/terraform";

const text = readFileSync(join(PROJECT_ROOT, ".github", "workflows", "plan.yml"), "utf8");
const workflow = parse(text);
const steps: Array<Record<string, any>> = Object.values<any>(workflow.jobs).flatMap((job) => job.steps);
const runs = steps.map((s) => String(s.run ?? "")).join("\n");
const stepUsing = (action: string) => steps.find((s) => typeof s.uses === "string" && s.uses.startsWith(`${action}@`));

it("runs on pull requests only, with OIDC and comment permissions", () => {
  expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
  expect(workflow.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
});

it("pins every action by tag or commit SHA", () => {
  const used = steps.filter((s) => s.uses).map((s) => s.uses as string);
  expect(used.length).toBeGreaterThanOrEqual(5);
  for (const uses of used) expect(uses).toMatch(/^[\w.-]+\/[\w.-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/);
});

it("installs, tests and synthesizes before planning", () => {
  const order = ["npm ci", "npm test", "npm run synth", "terraform -chdir=\"$dir\" init", "terraform -chdir=\"$dir\" plan", "plan:summary"].map((cmd) => {
    const index = runs.indexOf(cmd);
    expect(index).toBeGreaterThanOrEqual(0);
    return index;
  });
  expect([...order].sort((a, b) => a - b)).toEqual(order);
  expect(runs).toContain("for dir in cdktf.out/stacks/*/");
  expect(runs).toContain("show -json tfplan");
});

it("gets AWS credentials from an OIDC role held in a repository variable", () => {
  const credentials = stepUsing("aws-actions/configure-aws-credentials");
  expect(credentials?.with?.["role-to-assume"]).toBe("${{ vars.AWS_PLAN_ROLE_ARN }}");
  expect(JSON.stringify(credentials)).not.toMatch(/aws-access-key-id|aws-secret-access-key/);
  expect(stepUsing("hashicorp/setup-terraform")?.with?.terraform_version).toBe("1.11.4");
});

it("posts or updates one comment found by the summary marker", () => {
  const comment = stepUsing("actions/github-script");
  expect(comment?.with?.script).toContain(SUMMARY_MARKER);
  expect(comment?.with?.script).toContain("updateComment");
  expect(comment?.with?.script).toContain("createComment");
});

it("never applies: no step runs apply or deploy", () => {
  const commands = steps.map((s) => `${s.run ?? ""}\n${s.with?.script ?? ""}`).join("\n");
  expect(commands).not.toMatch(/\bapply\b|cdktf deploy|auto-approve/);
});
