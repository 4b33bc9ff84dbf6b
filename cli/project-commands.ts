/**
 * The commands a team runs in its own project, and this repository's npm scripts run too (one
 * implementation): `cbat local`, `cbat plan-offline`, `cbat plan-summary`, `cbat test-deploy`.
 * Each keeps its own argument parser (terraform-style `-var-file=F` included), so cbat hands it
 * the arguments untouched; `cbat <command> --help` prints that command's usage.
 */
import type { Command } from "commander";
import { quietNodeVersionNotice } from "./node-version-notice";

type Entry = (argv: string[]) => number | Promise<number>;

/**
 * Loaded on use: `cbat fingerprint` does not load terraform runners or the local gateway.
 * `awsSdk`: the command creates AWS SDK clients (test-deploy's checks; under `local`, the handler
 * bundles may, your own handlers included), so the SDK's Node-version notice is silenced first.
 */
const COMMANDS: ReadonlyArray<{ name: string; description: string; load: () => Entry; awsSdk?: true }> = [
  {
    name: "local",
    description: "the whole flow on this machine: dev PKI, Cognito-compatible issuer, mutual-TLS gateway running your stack's bundles",
    load: () => (require("../local/main") as typeof import("../local/main")).main,
    awsSdk: true,
  },
  {
    name: "plan-offline",
    description: "a reviewable plan.json without an AWS account: synth, terraform init from the mirror, offline plan",
    load: () => (require("../scripts/plan-offline") as typeof import("../scripts/plan-offline")).main,
  },
  {
    name: "plan-summary",
    description: "Markdown summary and security posture of a `terraform show -json` plan",
    load: () => (require("../review/plan-summary-cli") as typeof import("../review/plan-summary-cli")).main,
  },
  {
    name: "test-deploy",
    description: "apply → no-drift plan → destroy of your stack against moto_server (a local AWS)",
    load: () => (require("../scripts/deploy-cycle/main") as typeof import("../scripts/deploy-cycle/main")).main,
    awsSdk: true,
  },
];

export function registerProjectCommands(program: Command): void {
  for (const { name, description, load, awsSdk } of COMMANDS) {
    program
      .command(name)
      .description(`${description} (options: cbat ${name} --help)`)
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .argument("[arguments...]", "passed to the command")
      .action(async (args: string[]) => {
        if (awsSdk) quietNodeVersionNotice();
        process.exitCode = await load()(args);
      });
  }
}
