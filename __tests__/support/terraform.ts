/**
 * Real terraform against the synthesized stack, offline: the AWS provider comes from the
 * local filesystem mirror, and credentials and provider settings from the one offline override
 * (scripts/terraform/offline-provider.ts) that `npm run plan:offline` and `npm run test:deploy`
 * use too. Missing terraform or a missing mirror fails the test loudly: nothing is skipped.
 */
import { resolve } from "node:path";
import { synthApp as synthInto } from "../../scripts/terraform/synth-app";
import { sharedSynth } from "./shared-terraform";

export const PROJECT_ROOT = resolve(__dirname, "..", "..");
export { assertTerraformAvailable, PROVIDER_MIRROR } from "../../scripts/terraform/offline-terraform";
// init, validate and offline plans run once per distinct configuration in a test run (shared-terraform.ts).
export { OfflineTerraform } from "./shared-terraform";
export type { PlanJson, PlannedResource, TerraformRun } from "../../scripts/terraform/offline-terraform";
export { DEFAULT_OFFLINE_REGION as TEST_REGION } from "../../scripts/terraform/offline-provider";

/** Values a reviewer would put in a tfvars file. */
export const TEST_TFVARS = {
  bucket_name: "cbat-truststore-test",
  ca_cert_key: "truststore.pem",
  custom_domain_cert_arn: "arn:aws:acm:eu-west-1:123456789012:certificate/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e",
  custom_domain_name: "api.example.com",
};

/**
 * The app synthesized (main.ts, as `cdktf synth` runs it) into a fresh folder; returns the outdir.
 * The caller's CBAT_* settings are dropped so that only `env` configures the synth. The synth
 * runs once per (cwd, env) in a test run; each caller gets its own copy of the output.
 */
export function synthApp(cwd = PROJECT_ROOT, env: Record<string, string> = {}): string {
  return sharedSynth(cwd, env);
}

/** Like synthApp, always a new synth (for tests about the synth itself, such as determinism). */
export function synthAppFresh(cwd = PROJECT_ROOT, env: Record<string, string> = {}): string {
  return synthInto({ cwd, env });
}
