/**
 * The synthesized Terraform JSON of every stack, as a snapshot: a change to the API document,
 * to cbat.config.json, to a handler or to the cert-bound-access-tokens version shows up as a
 * snapshot diff in the pull request. Accept an intended change with `npx jest -u`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing } from "cdktf";
import { defineStacks, loadDeploymentConfig } from "cert-bound-access-tokens";

it("synthesizes the reviewed Terraform configuration", () => {
  // env: {}: CBAT_* settings of the shell running the tests do not change what is compared.
  const config = loadDeploymentConfig({ configFile: join(__dirname, "..", "cbat.config.json"), env: {} });
  // An output folder of our own, removed afterwards: Testing.app() alone leaves one in the temp folder at every run.
  const outdir = mkdtempSync(join(tmpdir(), "cdktf-snapshot-"));
  try {
    for (const stack of defineStacks(Testing.app({ outdir }), config)) {
      expect(JSON.parse(Testing.synth(stack))).toMatchSnapshot(stack.node.id);
    }
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});
