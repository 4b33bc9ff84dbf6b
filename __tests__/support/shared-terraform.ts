/**
 * The test helpers' synth and terraform, shared across the suites of one run: a synth runs once
 * per distinct (project folder, settings) and each caller gets its own copy of the output (suites
 * write tfvars and overrides into it); `terraform init`, `validate` and offline `plan` run once
 * per distinct configuration (the digest of every *.tf.json, the arguments and the var files'
 * contents) and replay terraform's real output, plan file included. Calls to an AWS stand-in
 * (an override with `endpoint`) and async runs are never shared: their results depend on it.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { OfflineTerraform as UncachedTerraform, type PlanJson, type TerraformRun } from "../../scripts/terraform/offline-terraform";
import type { ProviderOverrideOptions } from "../../scripts/terraform/offline-provider";
import { synthApp as synthInto } from "../../scripts/terraform/synth-app";
import { workerReattach } from "./provider-pool";
import { configDigest, digest, memo } from "./test-run";

const freshOutdir = () => join(mkdtempSync(join(tmpdir(), "cbat-synth-")), "cdktf.out");

/** Settings that name a file (CBAT_CONFIG) count by content, so a rewritten file is synthesized again. */
function settingsKey(cwd: string, env: Record<string, string>): string {
  const entries = Object.entries(env).sort(([a], [b]) => a.localeCompare(b));
  const files = entries.flatMap(([, value]) => (isAbsolute(value) && existsSync(value) && !value.endsWith("/") ? [safeRead(value)] : []));
  return digest(cwd, JSON.stringify(entries), ...files);
}

function safeRead(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch {
    return Buffer.alloc(0); // a folder
  }
}

/** A fresh copy of the app's synth output for (cwd, env); the synth itself runs once per run. */
export function sharedSynth(cwd: string, env: Record<string, string>): string {
  const cached = memo("synth", settingsKey(cwd, env), (dir) => {
    synthInto({ cwd, env, outdir: join(dir, "cdktf.out") });
  }, () => join(freshOutdir(), ".."));
  const outdir = freshOutdir();
  cpSync(join(cached, "cdktf.out"), outdir, { recursive: true });
  return outdir;
}

const SHARED_COMMANDS = new Set(["init", "validate", "plan"]);
/** Commands that may use the worker's running provider (provider-pool.ts); init installs it, so not init. */
const REATTACH_COMMANDS = new Set(["validate", "plan", "show"]);

/** OfflineTerraform whose offline init, validate and plan are computed once per run and replayed. */
export class OfflineTerraform extends UncachedTerraform {
  private readonly shared: boolean;

  constructor(stackDir: string, override: ProviderOverrideOptions = {}) {
    super(stackDir, override);
    this.shared = override.endpoint === undefined;
  }

  /**
   * The worker's running provider for validate, plan and show (provider-pool.ts), offline or
   * against a stand-in: each command configures it anew (its endpoints, region, credentials).
   * A blocking run only, so never two commands on it at once.
   */
  protected override commandEnv(args: readonly string[], blocking: boolean): NodeJS.ProcessEnv {
    const env = super.commandEnv(args, blocking);
    const reattach = blocking && REATTACH_COMMANDS.has(args[0]) ? workerReattach() : undefined;
    return reattach ? { ...env, TF_REATTACH_PROVIDERS: reattach } : env;
  }

  override run(...args: string[]): TerraformRun {
    if (!this.shared || !SHARED_COMMANDS.has(args[0])) return super.run(...args);
    const out = outFile(args);
    // Var files are written into the stack folder, whose path differs per copy: keyed relative to it.
    const relativeArgs = args.map((arg) => arg.split(this.stackDir).join("."));
    const key = digest(configDigest(this.stackDir), JSON.stringify(relativeArgs), ...varFiles(this.stackDir, args).map(safeRead));
    const entry = memo(`terraform-${args[0]}`, key, (dir) => {
      const result = super.run(...args);
      writeFileSync(join(dir, "result.json"), JSON.stringify({ ...result, stackDir: this.stackDir }));
      if (out && existsSync(join(this.stackDir, out))) cpSync(join(this.stackDir, out), join(dir, "out"));
      if (args[0] === "init") {
        cpSync(join(this.stackDir, ".terraform"), join(dir, ".terraform"), { recursive: true, verbatimSymlinks: true });
        if (existsSync(join(this.stackDir, ".terraform.lock.hcl"))) cpSync(join(this.stackDir, ".terraform.lock.hcl"), join(dir, ".terraform.lock.hcl"));
      }
    }, () => mkdtempSync(join(tmpdir(), "cbat-terraform-")));
    // Replay into this folder what the run left in the one that computed it.
    if (args[0] === "init" && !existsSync(join(this.stackDir, ".terraform")) && existsSync(join(entry, ".terraform"))) {
      cpSync(join(entry, ".terraform"), join(this.stackDir, ".terraform"), { recursive: true, verbatimSymlinks: true });
      if (existsSync(join(entry, ".terraform.lock.hcl"))) cpSync(join(entry, ".terraform.lock.hcl"), join(this.stackDir, ".terraform.lock.hcl"));
    }
    if (out && existsSync(join(entry, "out"))) cpSync(join(entry, "out"), join(this.stackDir, out));
    const { stackDir, ...result } = JSON.parse(readFileSync(join(entry, "result.json"), "utf8")) as TerraformRun & { stackDir: string };
    const here = (text: string) => text.split(stackDir).join(this.stackDir);
    return { status: result.status, stdout: here(result.stdout), stderr: here(result.stderr) };
  }

  /** As OfflineTerraform's, with the JSON of each distinct plan parsed once per run. */
  override planJson(varsFile: string): PlanJson {
    this.ok("plan", "-refresh=false", "-lock=false", "-input=false", `-var-file=${varsFile}`, "-out=tfplan");
    const key = digest(configDigest(this.stackDir), readFileSync(join(this.stackDir, "tfplan")));
    const entry = memo("terraform-show", key, (dir) => {
      writeFileSync(join(dir, "plan.json"), this.ok("show", "-json", "tfplan"));
    }, () => mkdtempSync(join(tmpdir(), "cbat-terraform-")));
    return JSON.parse(readFileSync(join(entry, "plan.json"), "utf8")) as PlanJson;
  }
}

/** `-out=FILE` of a plan. */
function outFile(args: readonly string[]): string | undefined {
  return args.find((arg) => arg.startsWith("-out="))?.slice("-out=".length);
}

/** The files named by -var-file (relative to the stack folder). */
function varFiles(stackDir: string, args: readonly string[]): string[] {
  return args.filter((arg) => arg.startsWith("-var-file=")).map((arg) => {
    const file = arg.slice("-var-file=".length);
    return isAbsolute(file) ? file : join(stackDir, file);
  });
}
