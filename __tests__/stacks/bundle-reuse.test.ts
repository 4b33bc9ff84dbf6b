/**
 * A synth reuses the last handler bundles only while every file they were built from, the build
 * options and the zips themselves are unchanged (stacks/bundle-reuse.ts), on real files.
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recordBundles, reusableBundles } from "../../stacks/bundle-reuse";

let root: string;
let bundles: string;
const sha = (text: string) => createHash("sha256").update(text).digest("hex");

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "cbat-bundle-reuse-"));
  bundles = join(root, "cdktf.out", "bundles");
  mkdirSync(join(root, "handlers"), { recursive: true });
  mkdirSync(bundles, { recursive: true });
  writeFileSync(join(root, "handlers", "authorizer.ts"), "export const a = 1;\n");
  writeFileSync(join(root, "handlers", "shared.ts"), "export const b = 2;\n");
  writeFileSync(join(bundles, "authorizer.zip"), "zip bytes");
  recordBundles(bundles, root, ["handlers/authorizer.ts", "handlers/shared.ts"], new Map([["authorizer", sha("zip bytes")]]), "options-1");
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

it("reuses the zips while inputs, options and zips are unchanged", () => {
  expect(reusableBundles(bundles, root, ["authorizer"], "options-1")).toEqual(new Map([["authorizer", sha("zip bytes")]]));
});

it("builds anew when any input changed, even one the handler only imports", () => {
  writeFileSync(join(root, "handlers", "shared.ts"), "export const b = 3;\n");
  expect(reusableBundles(bundles, root, ["authorizer"], "options-1")).toBeUndefined();
});

it("builds anew when an input is gone, the options or the handlers differ, or a zip was altered", () => {
  expect(reusableBundles(bundles, root, ["authorizer"], "options-2")).toBeUndefined();
  expect(reusableBundles(bundles, root, ["authorizer", "example"], "options-1")).toBeUndefined();
  writeFileSync(join(bundles, "authorizer.zip"), "other bytes");
  expect(reusableBundles(bundles, root, ["authorizer"], "options-1")).toBeUndefined();
  writeFileSync(join(bundles, "authorizer.zip"), "zip bytes");
  rmSync(join(root, "handlers", "shared.ts"));
  expect(reusableBundles(bundles, root, ["authorizer"], "options-1")).toBeUndefined();
});

it("builds when nothing was recorded", () => {
  rmSync(join(bundles, "bundles.manifest.json"));
  expect(reusableBundles(bundles, root, ["authorizer"], "options-1")).toBeUndefined();
});
