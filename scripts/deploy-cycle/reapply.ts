/**
 * A second apply of the cycle's stack with other settings (e.g. a changed API document), as a
 * team's next `cdktf deploy` after a change: the app is synthesized again into the same
 * Terraform working folder (state, providers and variables stay), applied, and the stand-in's
 * record of the calls returned, so a test can check the order Terraform's graph gave them.
 * Types the stand-in cannot update (MOTO_UPDATE_GAPS) are left as they are.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checked, type OfflineTerraform } from "../terraform/offline-terraform";
import { pickStack, synthApp } from "../terraform/synth-app";
import { MOTO_UPDATE_GAPS, SKIPPED_RESOURCE_TYPES } from "./moto-gaps";
import { startRecording, stopRecording, type RecordedCall } from "./moto-recorder";
import { withoutSkippedTypes } from "./skip-resources";

export interface ReapplyResult {
  readonly added: number;
  readonly changed: number;
  readonly destroyed: number;
  /** Every AWS call of the apply (its refresh included), in the order the stand-in received them. */
  readonly calls: readonly RecordedCall[];
}

export interface ReapplyContext {
  readonly terraform: OfflineTerraform;
  readonly stackName: string;
  readonly varsFile: string;
  readonly endpointUrl: string;
  /** A folder for the new synth. */
  readonly outdir: string;
}

/** Synthesizes with `env` (CBAT_CONFIG, …) over the cycle's settings, and applies. */
export async function reapply(context: ReapplyContext, env: Readonly<Record<string, string>>): Promise<ReapplyResult> {
  const outdir = synthApp({ inheritCbatSettings: true, env: { CBAT_BACKEND: "local", ...env }, outdir: context.outdir });
  const fresh = pickStack(outdir, context.stackName);
  const { stack } = withoutSkippedTypes(JSON.parse(readFileSync(join(fresh.dir, "cdk.tf.json"), "utf8")), SKIPPED_RESOURCE_TYPES);
  for (const gap of MOTO_UPDATE_GAPS) {
    for (const resource of Object.values((stack.resource?.[gap.resourceType] ?? {}) as Record<string, Record<string, any>>)) resource.lifecycle = { ...resource.lifecycle, ignore_changes: "all" };
  }
  const workingDir = context.terraform.stackDir;
  // The bundles are referenced by content hash: the new synth's assets replace the old ones.
  rmSync(join(workingDir, "assets"), { recursive: true, force: true });
  cpSync(join(fresh.dir, "assets"), join(workingDir, "assets"), { recursive: true });
  writeFileSync(join(workingDir, "cdk.tf.json"), JSON.stringify(stack, null, 2));
  await startRecording(context.endpointUrl);
  const args = ["apply", "-auto-approve", "-input=false", `-var-file=${context.varsFile}`];
  const applied = await context.terraform.runAsync(...args);
  const calls = await stopRecording(context.endpointUrl);
  const output = checked(args, applied);
  const counts = /Apply complete! Resources: (\d+) added, (\d+) changed, (\d+) destroyed/.exec(output);
  if (!counts) throw new Error(`terraform apply printed no resource counts:\n${output.slice(-2000)}`);
  return { added: Number(counts[1]), changed: Number(counts[2]), destroyed: Number(counts[3]), calls };
}
