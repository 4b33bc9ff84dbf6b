/**
 * Per-stack data files added to a handler's zip next to its index.js (handlers/lib/packaged-data.ts):
 * the tables that grow with the API document or the config, which Lambda's 4 KB environment
 * cannot hold. The bundle stays the same for every stack; the zip is rebuilt with the files,
 * deterministically (sorted keys, fixed zip metadata), so the code hash, and the plan, change
 * exactly when a table does.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { readZipEntries } from "./zip-reader";
import { zipSync } from "./deterministic-zip";
import type { HandlerBundle } from "./handler-bundle";

/** JSON with every object's keys sorted: the same table gives the same bytes. */
export function canonicalJson(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]));
    return v;
  };
  return JSON.stringify(sorted(value));
}

const baseEntries = new Map<string, Map<string, Buffer>>();

/** `bundle` with `files` (name → JSON value) added; written once per content (by hash). */
export function bundleWithData(bundle: HandlerBundle, files: Readonly<Record<string, unknown>>): HandlerBundle {
  let entries = baseEntries.get(bundle.hash);
  if (!entries) {
    entries = readZipEntries(readFileSync(bundle.zipFile));
    baseEntries.set(bundle.hash, entries);
  }
  const added = Object.entries(files).map(([name, value]) => {
    if (entries!.has(name) || !/^[a-z0-9-]+\.json$/.test(name)) throw new Error(`bundleWithData: ${name} must be a new lowercase .json file name`);
    return { name, data: Buffer.from(canonicalJson(value)) };
  });
  const zip = zipSync([...[...entries].map(([name, data]) => ({ name, data })), ...added]);
  const hash = createHash("sha256").update(zip).digest("hex");
  // Same file name as the bundle's, in a folder named by the content: each content is written once, never overwritten.
  const folder = join(dirname(bundle.zipFile), "with-data", hash.slice(0, 16));
  mkdirSync(folder, { recursive: true });
  const zipFile = join(folder, basename(bundle.zipFile));
  // Write-then-rename: parallel synths never see a half-written package.
  const temporary = `${zipFile}.${process.pid}.tmp`;
  writeFileSync(temporary, zip);
  renameSync(temporary, zipFile);
  return { zipFile, hash, handler: bundle.handler };
}
