/**
 * Real terraform against a copy of a synthesized stack, without an AWS account: the AWS
 * provider comes from a local filesystem mirror and its settings from the one offline
 * override (offline-provider.ts). Missing terraform or a missing mirror fails loudly.
 */
import { execFile, spawnSync } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeProviderOverride, type ProviderOverrideOptions } from "./offline-provider";

export const PROVIDER_MIRROR = process.env.TF_PROVIDER_MIRROR ?? "/opt/tf-plugins";
export const AWS_PROVIDER_VERSION = "5.100.0";

/** Throws with instructions when terraform or the hashicorp/aws mirror is missing. */
export function assertTerraformAvailable(): void {
  const version = spawnSync("terraform", ["version"], { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  if (version.error || version.status !== 0) {
    throw new Error("terraform is not on PATH: install Terraform >= 1.5 (offline plans and the deploy cycle run terraform init/plan/apply)");
  }
  const providerDir = join(PROVIDER_MIRROR, "registry.terraform.io", "hashicorp", "aws");
  const unpacked = join(providerDir, AWS_PROVIDER_VERSION);
  const hasUnpacked = existsSync(unpacked) && readdirSync(unpacked).some((platform) =>
    readdirSync(join(unpacked, platform)).some((file) => file.startsWith("terraform-provider-aws")));
  const hasPacked = existsSync(providerDir) && readdirSync(providerDir).some((file) => file.startsWith(`terraform-provider-aws_${AWS_PROVIDER_VERSION}_`) && file.endsWith(".zip"));
  if (!hasUnpacked && !hasPacked) {
    throw new Error(`hashicorp/aws ${AWS_PROVIDER_VERSION} is not in the provider mirror ${PROVIDER_MIRROR}: set TF_PROVIDER_MIRROR to a filesystem mirror that has it (e.g. made by \`terraform providers mirror\`)`);
  }
}

export interface TerraformRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A stack folder prepared for terraform runs with the offline override. */
export class OfflineTerraform {
  private readonly env: NodeJS.ProcessEnv;

  /** `override.endpoint` sends every AWS call to a stand-in; without it, no call is expected. */
  constructor(readonly stackDir: string, override: ProviderOverrideOptions = {}) {
    const cliConfig = join(stackDir, "..", "..", "..", "offline.terraformrc");
    writeFileSync(
      cliConfig,
      `provider_installation {
  filesystem_mirror {
    path    = ${JSON.stringify(PROVIDER_MIRROR)}
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
`,
    );
    writeProviderOverride(stackDir, override);
    // The caller's own AWS settings must not leak into a run that is meant to use none.
    const { AWS_PROFILE: _p, AWS_ACCESS_KEY_ID: _a, AWS_SECRET_ACCESS_KEY: _s, AWS_SESSION_TOKEN: _t, AWS_ENDPOINT_URL: _e, ...rest } = process.env;
    this.env = { ...rest, TF_CLI_CONFIG_FILE: cliConfig, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" };
  }

  /** The environment of one terraform command (a subclass may add to it); `blocking`: run, not runAsync. */
  protected commandEnv(_args: readonly string[], _blocking: boolean): NodeJS.ProcessEnv {
    return this.env;
  }

  run(...args: string[]): TerraformRun {
    const result = spawnSync("terraform", [...args, "-no-color"], { cwd: this.stackDir, env: this.commandEnv(args, true), encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  }

  /** Like run, without blocking this process (for callers that serve something terraform calls). */
  runAsync(...args: string[]): Promise<TerraformRun> {
    return new Promise((resolve) => {
      execFile("terraform", [...args, "-no-color"], { cwd: this.stackDir, env: this.commandEnv(args, false), encoding: "utf8", maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
        resolve({ status: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
      });
    });
  }

  /** Runs and throws with terraform's own output when it fails. */
  ok(...args: string[]): string {
    return checked(args, this.run(...args));
  }

  /** Like ok, without blocking this process. */
  async okAsync(...args: string[]): Promise<string> {
    return checked(args, await this.runAsync(...args));
  }

  writeVars(name: string, vars: Record<string, unknown>): string {
    const file = join(this.stackDir, name);
    writeFileSync(file, JSON.stringify(vars, null, 2));
    return file;
  }

  /** `terraform plan` (no refresh, no lock) with the given vars, returned as `terraform show -json`. */
  planJson(varsFile: string): PlanJson {
    this.ok("plan", "-refresh=false", "-lock=false", "-input=false", `-var-file=${varsFile}`, "-out=tfplan");
    return JSON.parse(this.ok("show", "-json", "tfplan")) as PlanJson;
  }
}

/** Lines of a failed run's stdout kept in its error: Terraform writes the error itself to stderr; stdout is a plan or a progress log, thousands of lines long. */
const STDOUT_TAIL_LINES = 20;

/** The output of a command that succeeded. @throws Error with its stderr and the tail of its output otherwise */
export function checked(args: string[], result: TerraformRun): string {
  if (result.status !== 0) throw new Error(`terraform ${args.join(" ")} failed (${result.status}):\n${result.stderr}\n${tail(result.stdout, STDOUT_TAIL_LINES)}`);
  return result.stdout;
}

function tail(text: string, lines: number): string {
  const all = text.trimEnd().split("\n");
  return all.length <= lines ? all.join("\n") : [`(${all.length - lines} earlier lines of terraform's output left out)`, ...all.slice(-lines)].join("\n");
}

export interface PlannedResource {
  readonly address: string;
  /** "managed" or "data" */
  readonly mode?: string;
  readonly type: string;
  readonly name: string;
  readonly values: Record<string, any>;
}
export interface ResourceChange {
  readonly address: string;
  readonly mode: string;
  readonly type: string;
  readonly change: { actions: string[]; before: any; after: any; after_unknown: any };
}
export interface PlanJson {
  readonly planned_values: { root_module: { resources?: PlannedResource[] } };
  readonly resource_changes: ResourceChange[];
  readonly configuration: { root_module: { resources?: Array<{ address: string; type: string; mode: string; expressions: Record<string, any> }> } };
  readonly variables?: Record<string, { value: unknown }>;
}
