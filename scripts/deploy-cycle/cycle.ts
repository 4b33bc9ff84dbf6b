/**
 * The deploy cycle behind `npm run test:deploy`: the synthesized stack applied against an
 * AWS stand-in (moto_server, or AWS_ENDPOINT_URL), a second plan that must want no change
 * beyond the named gaps of the stand-in, SDK checks of what was created, a destroy, and SDK
 * checks that nothing was left behind. It is what `cdktf deploy` / `cdktf destroy` meet on a
 * first deployment: wrong references, ordering, values the API refuses, perpetual diffs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { DEFAULT_OFFLINE_REGION, endpointServicesOf } from "../terraform/offline-provider";
import { assertTerraformAvailable, OfflineTerraform, type PlanJson, type PlannedResource } from "../terraform/offline-terraform";
import { pickStack, synthApp } from "../terraform/synth-app";
import { checkApplied, type AppliedCheckReport } from "./applied-checks";
import { awsClients, type AwsClients } from "./aws-clients";
import { endpointSource, startEndpoint, type AwsEndpoint, type EndpointSource } from "./aws-endpoint";
import { classifyChanges, describeChange, type DriftReport } from "./drift";
import { findLeftovers, type LeftoverReport } from "./leftover-checks";
import { MOTO_DESTROY_GAPS, MOTO_DRIFT_ALLOW_LIST, MOTO_SERIAL_DESTROY_GAPS, SKIPPED_INPUTS, SKIPPED_RESOURCE_TYPES } from "./moto-gaps";
import { reapply, type ReapplyResult } from "./reapply";
import { findUnreleased, releaseBeforeDestroy, type ReleasedResource } from "./release-resources";
import { createSeedCertificates, ENABLED_INPUTS, removeSeed, seededTfvars, seedUserInputs, type SeededInputs } from "./seed";
import { withoutSkippedTypes } from "./skip-resources";
import { assertManagedPoliciesKnown, managedPoliciesOf } from "./stand-in-preconditions";

export const CYCLE_REGION = DEFAULT_OFFLINE_REGION;
export const CYCLE_DOMAIN = "api.deploy-cycle.test";

/** The applied stack, for a `beforeDestroy` hook. */
export interface AppliedStack {
  readonly clients: AwsClients;
  /** Managed resources as configured, with the ids and ARNs of the apply. */
  readonly configured: readonly PlannedResource[];
  /** Plans again and classifies the changes (what the cycle did after the apply). */
  drift(): Promise<DriftReport>;
  /** Plans again without refreshing the managed resources (data sources are read): the plan as `terraform show -json` prints it. */
  plan(): Promise<PlanJson>;
  /** Synthesizes again with these settings over the cycle's (e.g. another CBAT_CONFIG) and applies: a team's next deploy. */
  reapply(env: Readonly<Record<string, string>>): Promise<ReapplyResult>;
  /** Runs the SDK checks again. */
  check(): Promise<AppliedCheckReport>;
}

export interface DeployCycleOptions {
  /** Which stack when several environments are configured. */
  readonly stack?: string;
  /** Progress lines. @default console.log */
  readonly log?: (line: string) => void;
  /** Where AWS_ENDPOINT_URL and PATH come from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Runs after the checks, before the destroy. */
  readonly beforeDestroy?: (applied: AppliedStack) => Promise<void>;
}

export interface DeployCycleResult {
  readonly stack: string;
  readonly applied: number;
  /** Destroyed by terraform, plus the released resources the SDK shows undone. */
  readonly destroyed: number;
  /** Taken out of the state before the destroy and undone through the SDK (named destroy gaps). */
  readonly released: readonly ReleasedResource[];
  readonly drift: DriftReport;
  readonly checks: AppliedCheckReport;
  readonly leftovers: LeftoverReport;
  readonly seconds: number;
}

/** The cycle ran to its end and found problems, or stopped at a step that failed. */
export class DeployCycleError extends Error {
  constructor(readonly problems: readonly string[], readonly workDir?: string) {
    super(`deploy cycle failed:\n${problems.map((p) => `  - ${p}`).join("\n")}${workDir ? `\n(state, plans and logs kept in ${workDir})` : ""}`);
    this.name = "DeployCycleError";
  }
}

/** The cycle's last line. */
export function summaryLine(result: Pick<DeployCycleResult, "applied" | "destroyed" | "drift" | "seconds">): string {
  return `deploy cycle: applied ${result.applied}, drift ${result.drift.drift.length} (${result.drift.allowListed.length} allow-listed), destroyed ${result.destroyed} in ${result.seconds.toFixed(1)} s`;
}

const count = (output: string, pattern: RegExp, what: string): number => {
  const match = pattern.exec(output);
  if (!match) throw new Error(`terraform ${what} printed no resource count:\n${output.slice(-2000)}`);
  return Number(match[1]);
};

interface StateJson {
  resources?: Array<{ mode: string; type: string; name: string; instances: Array<{ index_key?: string | number; attributes?: Record<string, any> }> }>;
}

/** Managed resource instances in the state, with their attributes (`terraform state pull` needs no provider: fast). */
async function resourcesInState(terraform: OfflineTerraform): Promise<PlannedResource[]> {
  const state = JSON.parse(await terraform.okAsync("state", "pull")) as StateJson;
  return (state.resources ?? []).filter((r) => r.mode === "managed").flatMap((r) => r.instances.map((instance) => ({
    address: `${r.type}.${r.name}${instance.index_key === undefined ? "" : `[${JSON.stringify(instance.index_key)}]`}`,
    type: r.type,
    name: r.name,
    values: instance.attributes ?? {},
  })));
}

interface SecondPlan {
  readonly drift: DriftReport;
  /** Every managed resource as configured (planned values), with the ids and ARNs of the apply. */
  readonly configured: PlannedResource[];
}

/** The plan after the apply; its planned values are the configuration, whatever the stand-in returned. */
async function secondPlan(terraform: OfflineTerraform, varsFile: string): Promise<SecondPlan> {
  const plan = await terraform.runAsync("plan", "-detailed-exitcode", "-input=false", `-var-file=${varsFile}`, "-out=drift.tfplan");
  if (plan.status !== 0 && plan.status !== 2) throw new Error(`terraform plan failed (${plan.status}):\n${plan.stderr}`);
  const json = JSON.parse(await terraform.okAsync("show", "-json", "drift.tfplan")) as PlanJson;
  const configured = (json.planned_values.root_module.resources ?? []).filter((r) => r.mode === "managed");
  // Exit code 0 is Terraform's own word that nothing changes.
  const drift = plan.status === 0 ? { drift: [], allowListed: [] } : classifyChanges(json.resource_changes ?? [], MOTO_DRIFT_ALLOW_LIST);
  return { drift, configured };
}

async function planJson(terraform: OfflineTerraform, varsFile: string): Promise<PlanJson> {
  await terraform.okAsync("plan", "-refresh=false", "-input=false", `-var-file=${varsFile}`, "-out=probe.tfplan");
  return JSON.parse(await terraform.okAsync("show", "-json", "probe.tfplan")) as PlanJson;
}

function logDrift(log: (line: string) => void, drift: DriftReport): void {
  for (const change of drift.drift) log(`  DRIFT ${describeChange(change)}`);
  for (const change of drift.allowListed) log(`  allow-listed ${describeChange(change)}: ${change.gaps.map((g) => g.why).join("; ")}`);
}

function logChecks(log: (line: string) => void, checks: AppliedCheckReport): void {
  log(`  SDK checks: ${Object.entries(checks.checked).map(([type, n]) => `${n} ${type}`).join(", ")}`);
  log(`  checked by the refresh of the second plan only: ${checks.refreshOnly.join(", ") || "none"}`);
  for (const note of checks.notes) log(`  ${note}`);
  for (const gap of checks.gaps) log(`  gap: ${gap}`);
  for (const problem of checks.problems) log(`  PROBLEM ${problem}`);
}

export async function runDeployCycle(options: DeployCycleOptions = {}): Promise<DeployCycleResult> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const log = options.log ?? ((line: string) => console.log(line));
  let source: EndpointSource;
  try {
    assertTerraformAvailable();
    source = endpointSource(options.env ?? process.env);
  } catch (error) {
    throw new DeployCycleError([(error as Error).message]);
  }
  const workDir = mkdtempSync(join(tmpdir(), "cbat-deploy-cycle-"));
  let endpoint: AwsEndpoint | undefined;
  let clients: AwsClients | undefined;
  let seed: SeededInputs | undefined;
  let terraform: OfflineTerraform | undefined;
  let varsFile = "";
  let applyStarted = false;
  let destroyDone = false;
  let succeeded = false;
  // moto_server boots and the certificates are made while the app synthesizes.
  const endpointReady = startEndpoint(source, join(workDir, "moto.log"));
  const certificatesReady = createSeedCertificates(join(workDir, "pki"), CYCLE_DOMAIN);
  // Awaited below; until then a failure must not count as an unhandled rejection.
  endpointReady.catch(() => undefined);
  certificatesReady.catch(() => undefined);
  try {
    // The user's configuration applies (environments, API); the state stays in workDir.
    const outdir = synthApp({ inheritCbatSettings: true, env: { CBAT_BACKEND: "local" }, outdir: join(workDir, "cdktf.out") });
    const stack = pickStack(outdir, options.stack);
    const stackFile = join(stack.dir, "cdk.tf.json");
    const { stack: applicable, removed } = withoutSkippedTypes(JSON.parse(readFileSync(stackFile, "utf8")), SKIPPED_RESOURCE_TYPES);
    writeFileSync(stackFile, JSON.stringify(applicable, null, 2));
    const services = endpointServicesOf(applicable);

    endpoint = await endpointReady;
    log(`AWS endpoint: ${endpoint.url} (${endpoint.description})`);
    log(`stack ${stack.name}: services ${services.join(", ")}`);
    for (const input of ENABLED_INPUTS) log(`  turned on: ${input.variable} = ${JSON.stringify(input.value)}, which adds ${input.adds}`);
    for (const skip of SKIPPED_INPUTS) log(`  not applied: ${skip.resourceTypes.join(", ")} (${skip.variable} left null): ${skip.why}`);
    for (const address of removed) log(`  not applied: ${address}: ${SKIPPED_RESOURCE_TYPES.find((s) => address.startsWith(`${s.resourceType}.`))?.why}`);

    terraform = new OfflineTerraform(stack.dir, { endpoint: endpoint.url, region: CYCLE_REGION });
    const init = terraform.okAsync("init", "-input=false");
    init.catch(() => undefined); // awaited below, after the seeding it runs alongside
    clients = awsClients(endpoint.url, CYCLE_REGION);
    await assertManagedPoliciesKnown(clients, managedPoliciesOf(applicable));
    seed = await seedUserInputs(clients, await certificatesReady, CYCLE_REGION);
    await init;
    log(`seeded s3://${seed.bucket}/${seed.truststoreKey} (versioned, dev PKI CA) and ACM certificates for ${seed.domainName} (${seconds().toFixed(1)} s)`);
    varsFile = terraform.writeVars("deploy-cycle.tfvars.json", seededTfvars(seed, CYCLE_REGION));

    applyStarted = true;
    const applied = count(await terraform.okAsync("apply", "-auto-approve", "-input=false", `-var-file=${varsFile}`), /Apply complete! Resources: (\d+) added/, "apply");
    log(`applied ${applied} resources (${seconds().toFixed(1)} s)`);

    const planned = terraform;
    let reapplies = 0;
    const { drift, configured } = await secondPlan(planned, varsFile);
    log(`second plan: ${drift.drift.length} drifted, ${drift.allowListed.length} allow-listed (${seconds().toFixed(1)} s)`);
    logDrift(log, drift);
    const checkContext = { clients, state: configured, gaps: MOTO_DRIFT_ALLOW_LIST };
    const checks = await checkApplied(checkContext);
    logChecks(log, checks);
    await options.beforeDestroy?.({
      clients,
      configured,
      drift: async () => (await secondPlan(planned, varsFile)).drift,
      plan: () => planJson(planned, varsFile),
      reapply: async (env) => {
        const result = await reapply({ terraform: planned, stackName: stack.name, varsFile, endpointUrl: endpoint!.url, outdir: join(workDir, `cdktf.out.${++reapplies}`) }, env);
        log(`reapplied: ${result.added} added, ${result.changed} changed, ${result.destroyed} destroyed (${seconds().toFixed(1)} s)`);
        return result;
      },
      check: () => checkApplied(checkContext),
    });

    const released = await releaseBeforeDestroy(terraform, clients, configured, MOTO_DESTROY_GAPS);
    for (const r of released) log(`  released from the state before the destroy and undone through the SDK: ${r.address}: moto fails ${r.gap.operation}: ${r.gap.why}`);
    // What the destroy must remove: the apply's resources, or those of a reapply in the hook.
    const inState = await resourcesInState(terraform);
    const toDestroy = inState.length + released.length;
    // The second plan has just refreshed every resource: the destroy need not read them again.
    const destroy = async (...args: string[]) => count(await terraform!.okAsync("destroy", "-auto-approve", "-input=false", "-refresh=false", `-var-file=${varsFile}`, ...args), /Destroy complete! Resources: (\d+) destroyed/, "destroy");
    const serial = inState.filter((r) => MOTO_SERIAL_DESTROY_GAPS.some((gap) => gap.resourceType === r.type));
    const destroyedOneByOne = serial.length > 0 ? await destroy("-parallelism=1", ...serial.map((r) => `-target=${r.address}`)) : 0;
    if (serial.length > 0) log(`destroyed ${destroyedOneByOne} resources one at a time first (${serial.length} ${[...new Set(serial.map((r) => r.type))].join(", ")} and what depends on them): ${MOTO_SERIAL_DESTROY_GAPS.map((g) => g.why).join("; ")}`);
    const destroyedByTerraform = destroyedOneByOne + await destroy();
    destroyDone = true;
    const remaining = await resourcesInState(terraform);
    const leftovers = await findLeftovers(clients, configured);
    const unreleased = await findUnreleased(clients, released);
    const destroyed = destroyedByTerraform + released.length - unreleased.length;
    log(`destroyed ${destroyedByTerraform} resources${released.length ? ` (and ${released.length - unreleased.length} of ${released.length} released undone)` : ""}; looked for leftovers: ${Object.entries(leftovers.checked).map(([type, n]) => `${n} ${type}`).join(", ")} (${seconds().toFixed(1)} s)`);

    const problems = [
      ...drift.drift.map((change) => `drift: ${describeChange(change)}`),
      ...checks.problems,
      ...leftovers.leftovers.map((leftover) => `left behind: ${leftover}`),
      ...unreleased.map((address) => `released but not undone: ${address}`),
      ...remaining.map((r) => `still in the state after destroy: ${r.address}`),
      ...(configured.length === applied ? [] : [`the apply reported ${applied} resources, the second plan knows ${configured.length}`]),
      ...(destroyed === toDestroy ? [] : [`destroyed ${destroyed} of the ${toDestroy} resources in the state`]),
    ];
    if (problems.length > 0) throw new DeployCycleError(problems, workDir);
    succeeded = true;
    return { stack: stack.name, applied, destroyed, released, drift, checks, leftovers, seconds: seconds() };
  } catch (error) {
    if (error instanceof DeployCycleError) throw error;
    throw new DeployCycleError([(error as Error).message], terraform ? workDir : undefined);
  } finally {
    await cleanUp();
  }

  async function cleanUp(): Promise<void> {
    const external = endpoint?.description === "AWS_ENDPOINT_URL";
    // A moto_server of our own takes everything with it; a shared endpoint is cleaned up.
    if (external && terraform && clients && applyStarted && !destroyDone) {
      // What the stand-in cannot destroy is undone through the SDK first, as in a passing cycle.
      try {
        await releaseBeforeDestroy(terraform, clients, await resourcesInState(terraform), MOTO_DESTROY_GAPS);
      } catch (error) {
        log(`could not release what the stand-in cannot destroy: ${(error as Error).message}`);
      }
      const result = await terraform.runAsync("destroy", "-auto-approve", "-input=false", `-var-file=${varsFile}`);
      log(result.status === 0 ? "destroyed what the failed cycle had applied" : `could not destroy what the failed cycle applied: see ${workDir}`);
    }
    if (external && clients && seed) {
      for (const failure of await removeSeed(clients, seed)) log(`could not remove the seeded ${failure}`);
    }
    clients?.destroy();
    await certificatesReady.catch(() => undefined);
    await (endpoint ?? (await endpointReady.catch(() => undefined)))?.stop();
    // Kept after a failure once there is something to look at (state, plans, moto's log), without the provider copy.
    if (succeeded || !terraform) rmSync(workDir, { recursive: true, force: true });
    else rmSync(join(terraform.stackDir, ".terraform"), { recursive: true, force: true });
  }
}
