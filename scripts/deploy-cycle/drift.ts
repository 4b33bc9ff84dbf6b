/**
 * The second plan after an apply must be empty: any change it wants is a perpetual diff that
 * every real `cdktf diff` would show. Changes are classified per resource and top-level
 * attribute; an in-place update whose every changed attribute is a named gap of the stand-in
 * (moto-gaps.ts) is allow-listed, anything else (another attribute, a create, a replacement,
 * a deletion) is drift.
 */
import { isDeepStrictEqual } from "node:util";
import type { ResourceChange } from "../terraform/offline-terraform";
import { gapFor, type MotoGap } from "./moto-gaps";

export interface ChangedResource {
  readonly address: string;
  readonly type: string;
  readonly actions: readonly string[];
  /** Top-level attributes whose planned value differs from the refreshed one. */
  readonly attributes: readonly string[];
}

export interface AllowListedChange extends ChangedResource {
  readonly gaps: readonly MotoGap[];
}

export interface DriftReport {
  /** Not explained by the stand-in: each of these fails the cycle. */
  readonly drift: readonly ChangedResource[];
  readonly allowListed: readonly AllowListedChange[];
}

/** null, absent, [] and {} are the same "not set" to Terraform's diff. */
function normalized(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value) && value.length === 0) return null;
  if (typeof value === "object" && !Array.isArray(value) && Object.keys(value as object).length === 0) return null;
  return value;
}

function containsUnknown(value: unknown): boolean {
  if (value === true) return true;
  if (value && typeof value === "object") return Object.values(value as object).some(containsUnknown);
  return false;
}

/** The top-level attributes a planned change touches. */
export function changedAttributes(change: ResourceChange["change"]): string[] {
  const before = (change.before ?? {}) as Record<string, unknown>;
  const after = (change.after ?? {}) as Record<string, unknown>;
  const unknown = (change.after_unknown ?? {}) as Record<string, unknown>;
  const keys = new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknown)]);
  return [...keys]
    .filter((key) => containsUnknown(unknown[key]) || !isDeepStrictEqual(normalized(before[key]), normalized(after[key])))
    .sort();
}

export function classifyChanges(changes: readonly ResourceChange[], gaps: readonly MotoGap[]): DriftReport {
  const drift: ChangedResource[] = [];
  const allowListed: AllowListedChange[] = [];
  for (const { address, type, mode, change } of changes) {
    if (mode !== "managed") continue;
    const actions = change.actions;
    if (actions.length === 1 && (actions[0] === "no-op" || actions[0] === "read")) continue;
    const attributes = changedAttributes(change);
    const found = attributes.map((attribute) => gapFor(gaps, type, attribute));
    const explained = actions.length === 1 && actions[0] === "update" && attributes.length > 0 && found.every(Boolean);
    if (explained) allowListed.push({ address, type, actions, attributes, gaps: found as MotoGap[] });
    else drift.push({ address, type, actions, attributes: attributes.filter((_, i) => !found[i] || actions[0] !== "update") });
  }
  return { drift, allowListed };
}

/** One line per change, attribute names only (values may be secrets). */
export function describeChange(change: ChangedResource): string {
  return `${change.address}: ${change.actions.join("+")} ${change.attributes.join(", ") || "(no attribute named)"}`;
}
