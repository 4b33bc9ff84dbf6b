/**
 * esbuild's output for a folder of handlers, reused by the next synth when nothing it was built
 * from has changed: a synth then costs no esbuild run (about half a second of every synth from
 * this repository's sources, and of every test that synthesizes).
 *
 * An entry is valid only while every input esbuild read (its metafile) has the same SHA-256, the
 * folders of those inputs outside node_modules list the same files (a new file can change what
 * an import resolves to), and the build options, esbuild's version and the project's
 * package-lock.json are the same (they are the entry's key). Anything else builds again. The
 * entries live in cdktf.out/bundles/.cache, which a clean checkout does not have.
 * CBAT_BUNDLE_CACHE=off builds every time (the determinism test does).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { BuildOptions, Metafile } from "esbuild";

export interface BuiltFile {
  readonly path: string;
  readonly contents: Uint8Array;
}

interface CacheEntry {
  /** Input path (as esbuild names it, relative to absWorkingDir) → SHA-256 of its bytes. */
  readonly inputs: Record<string, string>;
  /** Folder (absolute) → SHA-256 of its sorted file names. */
  readonly folders: Record<string, string>;
  readonly outputs: ReadonlyArray<{ readonly path: string; readonly base64: string }>;
}

const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");

function fileDigest(file: string): string | undefined {
  try {
    return sha256(readFileSync(file));
  } catch {
    return undefined;
  }
}

function folderDigest(folder: string): string | undefined {
  try {
    return sha256(readdirSync(folder).sort().join("\n"));
  } catch {
    return undefined;
  }
}

function entryKey(options: BuildOptions, esbuildVersion: string, root: string): string {
  return sha256(JSON.stringify({ options, esbuildVersion, lock: fileDigest(join(root, "package-lock.json")) ?? null }));
}

function stillValid(entry: CacheEntry, root: string): boolean {
  return Object.entries(entry.inputs).every(([input, digest]) => fileDigest(resolve(root, input)) === digest)
    && Object.entries(entry.folders).every(([folder, digest]) => folderDigest(folder) === digest);
}

function entryOf(metafile: Metafile, outputs: readonly BuiltFile[], root: string): CacheEntry {
  const inputs: Record<string, string> = {};
  const folders: Record<string, string> = {};
  for (const input of Object.keys(metafile.inputs)) {
    const file = resolve(root, input);
    inputs[input] = fileDigest(file) ?? "";
    if (!file.split(/[\\/]/).includes("node_modules")) folders[dirname(file)] ??= folderDigest(dirname(file)) ?? "";
  }
  return { inputs, folders, outputs: outputs.map((file) => ({ path: file.path, base64: Buffer.from(file.contents).toString("base64") })) };
}

/**
 * The output files of `build(options + metafile)`, from the cache when its inputs are unchanged.
 * @param cacheDir where entries are kept
 */
export function cachedBuild(options: BuildOptions & { absWorkingDir: string }, cacheDir: string, build: (options: BuildOptions & { metafile: true }) => { outputFiles: readonly BuiltFile[]; metafile: Metafile }, esbuildVersion: string): BuiltFile[] {
  const root = options.absWorkingDir;
  const enabled = process.env.CBAT_BUNDLE_CACHE !== "off";
  const file = join(cacheDir, `${entryKey(options, esbuildVersion, root)}.json`);
  if (enabled && existsSync(file)) {
    try {
      const entry = JSON.parse(readFileSync(file, "utf8")) as CacheEntry;
      if (stillValid(entry, root)) return entry.outputs.map((output) => ({ path: output.path, contents: Buffer.from(output.base64, "base64") }));
    } catch {
      // unreadable or half-written by an older version: build again
    }
  }
  const result = build({ ...options, metafile: true });
  if (enabled) {
    mkdirSync(cacheDir, { recursive: true });
    // Write-then-rename: parallel synths (test workers) never read a half-written entry.
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(entryOf(result.metafile, result.outputFiles, root)));
    renameSync(temporary, file);
  }
  return [...result.outputFiles];
}
