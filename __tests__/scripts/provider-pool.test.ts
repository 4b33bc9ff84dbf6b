/**
 * The test run's provider pool (__tests__/support/provider-pool.ts) changes how terraform reaches
 * the AWS provider, not what it plans: the same stack planned through the worker's running
 * provider and through a provider terraform starts itself gives the same plan.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OfflineTerraform as StartsItsOwnProvider } from "../../scripts/terraform/offline-terraform";
import { workerReattach } from "../support/provider-pool";
import { assertTerraformAvailable, OfflineTerraform, synthApp, TEST_TFVARS, type PlanJson } from "../support/terraform";
import { STACK_NAME } from "../../stacks/stack-name";

let dir: string;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What a plan says about the stack: planned values and changes (not its timestamp). */
const planned = (plan: PlanJson) => ({ values: plan.planned_values, changes: plan.resource_changes, variables: plan.variables });

it("plans the same through the worker's running provider as through its own", () => {
  assertTerraformAvailable();
  expect(workerReattach()).toMatch(/"registry.terraform.io\/hashicorp\/aws"/);
  const outdir = synthApp();
  dir = mkdtempSync(join(tmpdir(), "cbat-pool-"));
  // Folders three levels deep, as synth output is: the offline CLI config goes three levels up.
  const ownDir = join(dir, "a", "stacks", STACK_NAME);
  cpSync(join(outdir, "stacks", STACK_NAME), ownDir, { recursive: true });

  const pooled = new OfflineTerraform(join(outdir, "stacks", STACK_NAME));
  pooled.ok("init", "-input=false");
  const viaPool = pooled.planJson(pooled.writeVars("pool.tfvars.json", { ...TEST_TFVARS, crl_key: "crls.pem" }));

  const own = new StartsItsOwnProvider(ownDir);
  own.ok("init", "-input=false");
  const viaOwn = own.planJson(own.writeVars("pool.tfvars.json", { ...TEST_TFVARS, crl_key: "crls.pem" }));

  expect(viaPool.resource_changes.length).toBeGreaterThan(40);
  expect(planned(viaPool)).toEqual(planned(viaOwn));
});
