/**
 * Synthesizes the app (main.ts, as `cdktf synth` runs it) into a fresh temporary folder, and
 * picks one stack out of it, for runs that must not touch the project's own cdktf.out.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUILT, projectRoot } from "../../stacks/package-layout";

/** The project with main.ts: this repository, or (installed package) the team's project, the current folder. */
export const PROJECT_ROOT = projectRoot();

export interface SynthOptions {
  /** Project folder with main.ts (and, for a team's project, cdktf.json). @default PROJECT_ROOT */
  readonly cwd?: string;
  /** Settings for this synth; they win over the caller's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Keep the caller's CBAT_* settings (scripts do; tests start clean). @default false */
  readonly inheritCbatSettings?: boolean;
  /** Where to write. @default cdktf.out in a new temporary folder */
  readonly outdir?: string;
}

/** Returns the new cdktf.out folder. @throws Error with the app's own message when synth fails */
export function synthApp(options: SynthOptions = {}): string {
  const outdir = options.outdir ?? join(mkdtempSync(join(tmpdir(), "cbat-synth-")), "cdktf.out");
  const inherited = options.inheritCbatSettings
    ? process.env
    : Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("CBAT_")));
  try {
    const cwd = options.cwd ?? PROJECT_ROOT;
    const settings = { cwd, env: { ...inherited, ...options.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" }, stdio: ["ignore", "pipe", "pipe"] as ["ignore", "pipe", "pipe"] };
    // A team's project runs its app as `cdktf synth` does: the `app` command of its cdktf.json.
    if (BUILT) execFileSync("/bin/sh", ["-c", appCommand(cwd)], settings);
    else execFileSync(process.execPath, ["--require", require.resolve("tsx/cjs", { paths: [PROJECT_ROOT] }), "main.ts"], settings);
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? "").trim();
    throw new Error(`synth failed: ${stderr || (error as Error).message}`);
  }
  return outdir;
}

/** The `app` of the project's cdktf.json. @throws Error naming the file and the field */
function appCommand(cwd: string): string {
  const file = join(cwd, "cdktf.json");
  let app: unknown;
  try {
    app = (JSON.parse(readFileSync(file, "utf8")) as { app?: unknown }).app;
  } catch (error) {
    throw new Error(`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); run this in your project's folder (cbat init makes one)`);
  }
  if (typeof app !== "string" || app.trim() === "") throw new Error(`${file}: "app" must be the command that runs your CDKTF app, e.g. "node --require tsx/cjs main.ts"`);
  return app;
}

/** The stack folders of a synth, by stack name. */
export function stackNames(outdir: string): string[] {
  const stacks = join(outdir, "stacks");
  return existsSync(stacks) ? readdirSync(stacks).filter((name) => existsSync(join(stacks, name, "cdk.tf.json"))).sort() : [];
}

/**
 * The folder of the requested stack, or of the only one.
 * @throws Error listing the stacks when the name is unknown, or when there are several and none is named
 */
export function pickStack(outdir: string, requested?: string): { name: string; dir: string } {
  const names = stackNames(outdir);
  const name = requested ?? (names.length === 1 ? names[0] : undefined);
  if (name === undefined || !names.includes(name)) {
    const what = requested === undefined ? `${names.length} stacks were synthesized` : `no stack "${requested}"`;
    throw new Error(`${what}; name one with --stack (${names.join(", ") || "none"})`);
  }
  return { name, dir: join(outdir, "stacks", name) };
}
