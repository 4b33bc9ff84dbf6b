/**
 * `npm run plan:offline [-- -var-file=F ...] [-var NAME=VALUE ...] [--stack NAME] [--out FILE]`
 * A reviewable plan without an AWS account or credentials: synthesizes the app into a
 * temporary folder, runs terraform init from the provider mirror and `plan -refresh=false`
 * against an empty local state with the offline override (fake credentials, no AWS call),
 * and writes `terraform show -json` of the plan to plan.json, ready for `npm run plan:summary`.
 * Exit codes: 0 written; 1 synth or terraform refused (its message is shown); 2 usage error.
 */
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { OfflineTerraform, assertTerraformAvailable, type PlanJson } from "./terraform/offline-terraform";
import { PROJECT_ROOT, pickStack, synthApp } from "./terraform/synth-app";
import { BUILT } from "../stacks/package-layout";

const USAGE = `usage: npm run plan:offline [-- -var-file=FILE ...] [-var NAME=VALUE ...] [--stack NAME] [--out FILE]
  -var-file, -var  the stack's inputs, as for terraform plan (without any: example inputs)
  --stack          which stack, when several environments are configured
  --out            where to write the plan JSON (default: plan.json at the project root)`;

/** Inputs of a plan made without any: a made-up truststore, certificate and domain. */
const EXAMPLE_TFVARS = {
  bucket_name: "example-truststores",
  ca_cert_key: "truststore.pem",
  custom_domain_cert_arn: "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-4000-8000-000000000000",
  custom_domain_name: "api.example.com",
  // The pool's domain, used only when machineClients are configured.
  user_pool_domain_prefix: "example-api-auth",
};

class UsageError extends Error {}

interface Options {
  readonly varArgs: string[];
  readonly stack?: string;
  readonly out: string;
}

/** Terraform's own spelling (`-var-file=F`, `-var-file F`, `--var-file`) is accepted. */
function parseArguments(argv: string[], userDir: string): Options | "help" {
  const varArgs: string[] = [];
  let stack: string | undefined;
  let out = resolve(PROJECT_ROOT, "plan.json");
  for (let i = 0; i < argv.length; i++) {
    const match = /^--?([a-z-]+)(?:=(.*))?$/s.exec(argv[i]);
    if (!match) throw new UsageError(`unexpected argument "${argv[i]}"`);
    const [, name, inline] = match;
    if (name === "h" || name === "help") return "help";
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === "") throw new UsageError(`-${name} needs a value`);
      return v;
    };
    if (name === "var-file") {
      const file = resolve(userDir, value());
      if (!existsSync(file)) throw new UsageError(`${file}: var file not found`);
      varArgs.push(`-var-file=${file}`);
    } else if (name === "var") {
      const assignment = value();
      if (!assignment.includes("=")) throw new UsageError(`-var "${assignment}" must be NAME=VALUE`);
      varArgs.push(`-var=${assignment}`);
    } else if (name === "stack") {
      stack = value();
    } else if (name === "out") {
      out = resolve(userDir, value());
    } else {
      throw new UsageError(`unknown option -${name}`);
    }
  }
  return { varArgs, stack, out };
}

/** `cbat plan-offline` (and `npm run plan:offline` here): returns the exit code. */
export function main(argv: string[]): number {
  // npm runs scripts at the project root; paths on the command line are the user's.
  const userDir = process.env.INIT_CWD ?? process.cwd();
  let options: Options | "help";
  try {
    options = parseArguments(argv, userDir);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n${USAGE}`);
    return 2;
  }
  if (options === "help") {
    console.log(USAGE);
    return 0;
  }
  if (!existsSync(dirname(options.out))) {
    console.error(`${dirname(options.out)}: folder not found (--out)`);
    return 2;
  }

  let outdir: string | undefined;
  try {
    assertTerraformAvailable();
    // The user's configuration (environments, API) applies; the state stays in the temporary folder.
    outdir = synthApp({ inheritCbatSettings: true, env: { CBAT_BACKEND: "local" } });
    const stack = pickStack(outdir, options.stack);
    const terraform = new OfflineTerraform(stack.dir);
    let varArgs = options.varArgs;
    if (varArgs.length === 0) {
      console.error("no -var-file or -var given: planning with example inputs (api.example.com, bucket example-truststores)");
      varArgs = [`-var-file=${terraform.writeVars("example.tfvars.json", EXAMPLE_TFVARS)}`];
    }
    terraform.ok("init", "-input=false");
    terraform.ok("plan", "-refresh=false", "-lock=false", "-input=false", ...varArgs, "-out=tfplan");
    const json = terraform.ok("show", "-json", "tfplan");
    writeFileSync(options.out, json);
    const changes = (JSON.parse(json) as PlanJson).resource_changes.filter((c) => c.mode === "managed" && !c.change.actions.includes("no-op"));
    const shown = relative(userDir, options.out) || options.out;
    console.log(`wrote ${shown}: stack ${stack.name}, ${changes.length} resource(s) to create, planned offline (no AWS account, empty state)`);
    const fromRoot = relative(PROJECT_ROOT, options.out);
    const planFile = fromRoot.startsWith("..") ? options.out : fromRoot;
    console.log(BUILT ? `next: npx cbat plan-summary ${planFile}` : `next: npm run plan:summary -- ${planFile}`);
    return 0;
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  } finally {
    if (outdir) rmSync(dirname(outdir), { recursive: true, force: true });
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
