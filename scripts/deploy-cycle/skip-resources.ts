/**
 * Applies the named skips of resource types (moto-gaps.ts) to the cycle's copy of a
 * synthesized stack: their resources are removed, unless something else refers to them.
 */
import type { SkippedResourceType } from "./moto-gaps";

type StackJson = Record<string, unknown> & { resource?: Record<string, Record<string, unknown>> };

export interface SkipResult {
  readonly stack: StackJson;
  /** Addresses removed, e.g. aws_cloudwatch_dashboard.operations. */
  readonly removed: string[];
}

/** @throws Error naming the skipped type and whatever refers to it */
export function withoutSkippedTypes(stack: StackJson, skips: readonly SkippedResourceType[]): SkipResult {
  const resources = { ...(stack.resource ?? {}) };
  const removed: string[] = [];
  for (const { resourceType } of skips) {
    if (!resources[resourceType]) continue;
    removed.push(...Object.keys(resources[resourceType]).map((name) => `${resourceType}.${name}`));
    delete resources[resourceType];
  }
  const rest: StackJson = { ...stack, resource: resources };
  const text = JSON.stringify(rest);
  for (const address of removed) {
    const referrers = findReferrers(rest, address);
    if (referrers.length > 0 || text.includes(`${address}.`) || text.includes(`"${address}"`)) {
      throw new Error(`cannot skip ${address} (a named skip in scripts/deploy-cycle/moto-gaps.ts): ${referrers.join(", ") || "the stack"} refers to it`);
    }
  }
  return { stack: rest, removed };
}

/** Resource and output addresses whose configuration mentions `address`. */
function findReferrers(stack: StackJson, address: string): string[] {
  const mentions = (value: unknown) => {
    const text = JSON.stringify(value);
    return text.includes(`${address}.`) || text.includes(`"${address}"`);
  };
  const found: string[] = [];
  for (const [type, byName] of Object.entries(stack.resource ?? {})) {
    for (const [name, config] of Object.entries(byName)) if (mentions(config)) found.push(`${type}.${name}`);
  }
  for (const [name, config] of Object.entries((stack.output ?? {}) as Record<string, unknown>)) if (mentions(config)) found.push(`output.${name}`);
  return found;
}
