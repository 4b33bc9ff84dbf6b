/**
 * What `git add` must not pick up by accident: plans (JSON and binary), the provider lock
 * files of synthesized stacks, private keys and tfvars files; and what it must keep picking up:
 * every tracked file, certificates, example tfvars.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
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

it("leaves private keys and tfvars files out of `git status`, wherever they are; certificates and example tfvars show", () => {
  const dir = mkdtempSync(join(PROJECT_ROOT, ".gitignore-test-"));
  try {
    const secret = ["client-key.pem", "certs/partner-a-key.pem", "deep/in/a/tree/server.key", "partner.p12", "prod.tfvars", "tfvars-drafts/dev.tfvars"];
    const shown = ["certs/partner-a.pem", "prod.example.tfvars", "notes.txt"];
    for (const file of [...secret, ...shown]) {
      mkdirSync(join(dir, file, ".."), { recursive: true });
      writeFileSync(join(dir, file), file.endsWith("tfvars") ? 'custom_domain_name = "api.example.com"\n' : "test content\n");
    }
    const status = git("status", "--porcelain", "--untracked-files=all", "--", relative(PROJECT_ROOT, dir));
    const untracked = status.split("\n").filter(Boolean).map((line) => relative(dir, join(PROJECT_ROOT, line.replace(/^\?\? /, "")))).sort();
    expect(untracked).toEqual([...shown].sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it("keeps example tfvars and the plan workflow's per-stack tfvars trackable", () => {
  expect(ignored(["examples/prod.tfvars", "tfvars/cert-bound-api-prod.tfvars", "dev.example.tfvars"])).toEqual([]);
  expect(ignored(["prod.tfvars", "staging.tfvars", "cdktf.out/x.tfvars", "a/b/c-key.pem", "x.key"])).toEqual(["prod.tfvars", "staging.tfvars", "cdktf.out/x.tfvars", "a/b/c-key.pem", "x.key"]);
});
