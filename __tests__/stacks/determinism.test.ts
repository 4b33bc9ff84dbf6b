/**
 * cdk.tf.json must be byte-identical across synths and across checkouts in different
 * folders: that is what makes plan diffs in pull requests and snapshot tests meaningful.
 */
import { cpSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { STACK_NAME } from "../../stacks/stack-name";
import { PROJECT_ROOT, synthApp, synthAppFresh } from "../support/terraform";

/** A checkout of the project's sources in a new folder, sharing node_modules through a symlink. */
function checkoutElsewhere(): string {
  const dir = join(mkdtempSync(join(tmpdir(), "cbat-checkout-")), "some", "other", "place");
  for (const entry of ["main.ts", "index.ts", "stacks", "handlers", "cdktf.json", "package.json", "tsconfig.json"]) {
    cpSync(join(PROJECT_ROOT, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(join(PROJECT_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

const stackJson = (outdir: string) => readFileSync(join(outdir, "stacks", STACK_NAME, "cdk.tf.json"));

it("synthesizes byte-identical Terraform JSON twice, and in another checkout folder", () => {
  const first = stackJson(synthApp());
  // A second real synth, not the run's shared one, with esbuild run again (no bundle-cache.ts).
  const second = stackJson(synthAppFresh(PROJECT_ROOT, { CBAT_BUNDLE_CACHE: "off" }));
  const elsewhere = stackJson(synthAppFresh(checkoutElsewhere()));
  expect(second.equals(first)).toBe(true);
  expect(elsewhere.toString()).toBe(first.toString());
  const text = first.toString();
  expect(text).not.toContain(PROJECT_ROOT);
  expect(text).not.toContain(tmpdir());
  expect(text).not.toMatch(/"\/(?:work|home|root|tmp|Users)\//);
});
