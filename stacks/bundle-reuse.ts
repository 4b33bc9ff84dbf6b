/**
 * Reuse of the last handler bundles: esbuild is the largest part of a synth's CPU, yet the
 * bundles change only when a file they were built from does. After each build the inputs
 * esbuild read (its metafile) and their SHA-256 are recorded next to the zips; the next synth
 * reuses the zips when every recorded input still has the same content and the build options
 * are the same, and builds anew otherwise. Same sources, same bytes either way.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

interface Manifest {
  readonly options: string;
  /** Input path (relative to the project) → SHA-256 of its content. */
  readonly inputs: Readonly<Record<string, string>>;
  /** Handler name → SHA-256 of its zip. */
  readonly zips: Readonly<Record<string, string>>;
}

const MANIFEST = "bundles.manifest.json";
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

function fileSha(file: string): string | undefined {
  try {
    return sha256(readFileSync(file));
  } catch {
    return undefined;
  }
}

/** Handler name → zip hash of the recorded bundles, when they are still what a build would make; else undefined. */
export function reusableBundles(bundlesDir: string, projectRoot: string, names: readonly string[], options: string): Map<string, string> | undefined {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(join(bundlesDir, MANIFEST), "utf8")) as Manifest;
  } catch {
    return undefined;
  }
  if (manifest.options !== options || [...names].sort().join() !== Object.keys(manifest.zips).sort().join()) return undefined;
  for (const [input, hash] of Object.entries(manifest.inputs)) {
    if (fileSha(join(projectRoot, input)) !== hash) return undefined;
  }
  for (const [name, hash] of Object.entries(manifest.zips)) {
    const zip = join(bundlesDir, `${name}.zip`);
    if (!existsSync(zip) || fileSha(zip) !== hash) return undefined;
  }
  return new Map(Object.entries(manifest.zips));
}

/** Records what the bundles were built from (`inputs`: esbuild's metafile input paths, relative to the project). */
export function recordBundles(bundlesDir: string, projectRoot: string, inputs: readonly string[], zips: ReadonlyMap<string, string>, options: string): void {
  const manifest: Manifest = {
    options,
    inputs: Object.fromEntries(inputs.flatMap((input) => {
      const hash = fileSha(join(projectRoot, input));
      return hash ? [[input, hash]] : [];
    })),
    zips: Object.fromEntries(zips),
  };
  const file = join(bundlesDir, MANIFEST);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(manifest));
  renameSync(temporary, file);
}
