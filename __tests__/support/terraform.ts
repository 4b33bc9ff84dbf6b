/**
 * Real terraform against the synthesized stack, offline: the AWS provider comes from the
 * local filesystem mirror, credentials are fake, and the provider's skip_* settings are
 * supplied through an override file that exists only in the test's copy of the stack.
 * Missing terraform or a missing mirror fails the test loudly: nothing is skipped.
 */
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const PROJECT_ROOT = resolve(__dirname, "..", "..");
export const PROVIDER_MIRROR = process.env.TF_PROVIDER_MIRROR ?? "/opt/tf-plugins";
export const TEST_REGION = "eu-west-1";

/** Values a reviewer would put in a tfvars file. */
export const TEST_TFVARS = {
  bucket_name: "cbat-truststore-test",
  ca_cert_key: "truststore.pem",
  custom_domain_cert_arn: "arn:aws:acm:eu-west-1:123456789012:certificate/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e",
  custom_domain_name: "api.example.com",
};

/** Throws with instructions when terraform or the hashicorp/aws 5.100.0 mirror is missing. */
export function assertTerraformAvailable(): void {
  const version = spawnSync("terraform", ["version"], { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  if (version.error || version.status !== 0) {
    throw new Error("terraform is not on PATH: install Terraform >= 1.5 (the stack tests run terraform init/validate/plan)");
  }
  const providerDir = join(PROVIDER_MIRROR, "registry.terraform.io", "hashicorp", "aws");
  const unpacked = join(providerDir, "5.100.0");
  const hasUnpacked = existsSync(unpacked) && readdirSync(unpacked).some((platform) =>
    readdirSync(join(unpacked, platform)).some((file) => file.startsWith("terraform-provider-aws")));
  const hasPacked = existsSync(providerDir) && readdirSync(providerDir).some((file) => /^terraform-provider-aws_5\.100\.0_.*\.zip$/.test(file));
  if (!hasUnpacked && !hasPacked) {
    throw new Error(`hashicorp/aws 5.100.0 is not in the provider mirror ${PROVIDER_MIRROR}: set TF_PROVIDER_MIRROR to a filesystem mirror that has it (e.g. made by \`terraform providers mirror\`)`);
  }
}

/**
 * Synthesizes the app (main.ts, as `cdktf synth` runs it) into a fresh folder; returns the outdir.
 * The caller's CBAT_* settings are dropped so that only `env` configures the synth.
 */
export function synthApp(cwd = PROJECT_ROOT, env: Record<string, string> = {}): string {
  const outdir = join(mkdtempSync(join(tmpdir(), "cbat-synth-")), "cdktf.out");
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("CBAT_")));
  execFileSync(process.execPath, ["--require", require.resolve("tsx/cjs", { paths: [PROJECT_ROOT] }), "main.ts"], {
    cwd,
    env: { ...inherited, ...env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return outdir;
}

export interface TerraformRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A stack folder prepared for offline terraform runs. */
export class OfflineTerraform {
  private readonly env: NodeJS.ProcessEnv;

  constructor(readonly stackDir: string) {
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
    writeFileSync(
      join(stackDir, "offline_test_override.tf.json"),
      JSON.stringify({
        provider: {
          aws: [{
            region: TEST_REGION,
            access_key: "AKIAIOSFODNN7EXAMPLE",
            secret_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            skip_credentials_validation: true,
            skip_requesting_account_id: true,
            skip_metadata_api_check: true,
            skip_region_validation: true,
          }],
        },
      }),
    );
    const { AWS_PROFILE: _p, AWS_ACCESS_KEY_ID: _a, AWS_SECRET_ACCESS_KEY: _s, AWS_SESSION_TOKEN: _t, ...rest } = process.env;
    this.env = { ...rest, TF_CLI_CONFIG_FILE: cliConfig, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" };
  }

  run(...args: string[]): TerraformRun {
    const result = spawnSync("terraform", [...args, "-no-color"], { cwd: this.stackDir, env: this.env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  }

  /** Like run, without blocking this process (for tests that serve something terraform calls). */
  runAsync(...args: string[]): Promise<TerraformRun> {
    return new Promise((resolve) => {
      execFile("terraform", [...args, "-no-color"], { cwd: this.stackDir, env: this.env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
        resolve({ status: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
      });
    });
  }

  /** Runs and throws with terraform's own output when it fails. */
  ok(...args: string[]): string {
    const result = this.run(...args);
    if (result.status !== 0) throw new Error(`terraform ${args.join(" ")} failed (${result.status}):\n${result.stderr}\n${result.stdout}`);
    return result.stdout;
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

export interface PlannedResource {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly values: Record<string, any>;
}
export interface PlanJson {
  readonly planned_values: { root_module: { resources?: PlannedResource[] } };
  readonly resource_changes: Array<{ address: string; mode: string; type: string; change: { actions: string[]; after: any; after_unknown: any } }>;
  readonly configuration: { root_module: { resources?: Array<{ address: string; type: string; mode: string; expressions: Record<string, any> }> } };
  readonly variables?: Record<string, { value: unknown }>;
}
