/**
 * What `git add` must not pick up by accident: plans (JSON and binary) and the provider lock
 * files of synthesized stacks; and what it must keep picking up: every tracked file.
 */
import { execFileSync } from "node:child_process";
import { PROJECT_ROOT } from "../support/terraform";

const git = (...args: string[]) => execFileSync("git", args, { cwd: PROJECT_ROOT, encoding: "utf8" });

/** The given paths that .gitignore ignores (they need not exist). */
function ignored(paths: string[]): string[] {
  try {
    return git("check-ignore", "--no-index", ...paths).split("\n").filter(Boolean);
  } catch (error) {
    if ((error as { status?: number }).status === 1) return []; // none ignored
    throw error;
  }
}

it("ignores plan files and synthesized lock files wherever a reviewer writes them", () => {
  const plans = [
    "plan.json", "cert-bound-api.plan.json", "cert-bound-api-prod.plan.json", "review/plan.json",
    "tfplan", "prod.tfplan", "plan.bin",
    "cdktf.out/stacks/cert-bound-api/tfplan", "cdktf.out/stacks/cert-bound-api/plan.json",
    "cdktf.out/stacks/cert-bound-api/.terraform.lock.hcl", "cdktf.out/stacks/cert-bound-api-prod/.terraform.lock.hcl",
  ];
  expect(ignored(plans)).toEqual(plans);
});

it("still tracks every committed file and the files a team commits (tfvars, config)", () => {
  expect(git("ls-files", "--cached", "--ignored", "--exclude-standard")).toBe("");
  expect(ignored(["tfvars/cert-bound-api-prod.tfvars", "cbat.config.json", "review/plan-summary.ts", "package-lock.json"])).toEqual([]);
});
