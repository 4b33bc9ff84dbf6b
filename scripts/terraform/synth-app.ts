/**
 * Synthesizes the app (main.ts, as `cdktf synth` runs it) into a fresh temporary folder, and
 * picks one stack out of it, for runs that must not touch the project's own cdktf.out.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const PROJECT_ROOT = resolve(__dirname, "..", "..");

export interface SynthOptions {
  /** Project folder with main.ts. @default PROJECT_ROOT */
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
    execFileSync(process.execPath, ["--require", require.resolve("tsx/cjs", { paths: [PROJECT_ROOT] }), "main.ts"], {
      cwd: options.cwd ?? PROJECT_ROOT,
      env: { ...inherited, ...options.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? "").trim();
    throw new Error(`synth failed: ${stderr || (error as Error).message}`);
  }
  return outdir;
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
