/**
 * The package's public API is its `exports` map, and the reference app is built on it: main.ts
 * (and the consumer template's main.ts) import nothing else of ours. The construct props of the
 * public API are readonly, and each optional one documents its `@default`.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { PROJECT_ROOT } from "../support/terraform";

const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as {
  name: string;
  exports: Record<string, string | { types: string; default: string }>;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};

/** The TypeScript source of each exported JavaScript module (dist/x.js → x.ts). */
const exportedSources = new Set(Object.values(manifest.exports)
  .map((target) => (typeof target === "string" ? target : target.default))
  .filter((target) => target.endsWith(".js"))
  .map((target) => target.replace(/^\.\/dist\//, "").replace(/\.js$/, ".ts")));

/** Module specifiers a source imports (static imports, re-exports, require). */
function importsOf(text: string): string[] {
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"|(?:^|\n)\s*import\s+"([^"]+)"|\brequire\("([^"]+)"\)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** What an app file imports that is not the package's public API or an installed dependency. */
function nonPublicImports(text: string, file: string): string[] {
  const allowedPackages = new Set([...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies)]);
  return importsOf(text).filter((specifier) => {
    if (specifier.startsWith("node:")) return false;
    if (specifier.startsWith(".")) return !exportedSources.has(relative(PROJECT_ROOT, resolve(dirname(file), `${specifier}.ts`)));
    if (specifier === manifest.name || specifier.startsWith(`${manifest.name}/`)) return !(`.${specifier.slice(manifest.name.length)}` in manifest.exports);
    const packageName = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0];
    return !allowedPackages.has(packageName);
  });
}

it("exports only built JavaScript with its types, from sources that exist", () => {
  expect(exportedSources).toEqual(new Set(["index.ts"]));
  for (const source of exportedSources) expect(existsSync(join(PROJECT_ROOT, source))).toBe(true);
  expect(manifest.exports["."]).toEqual({ types: "./dist/index.d.ts", default: "./dist/index.js" });
});

it("the reference app's main.ts imports only modules in `exports`", () => {
  const file = join(PROJECT_ROOT, "main.ts");
  expect(nonPublicImports(readFileSync(file, "utf8"), file)).toEqual([]);
  expect(importsOf(readFileSync(file, "utf8"))).toContain("./index");
});

it("the check catches an import of an internal module, by path or by package subpath", () => {
  const file = join(PROJECT_ROOT, "main.ts");
  const text = 'import { defineStacks } from "./stacks/app-stacks";\nimport { x } from "cert-bound-access-tokens/dist/stacks/x";\nimport { App } from "cdktf";\nimport { y } from "left-pad";\n';
  expect(nonPublicImports(text, file)).toEqual(["./stacks/app-stacks", "cert-bound-access-tokens/dist/stacks/x", "left-pad"]);
});

it("the project cbat init scaffolds imports the package by its name only", () => {
  const file = join(PROJECT_ROOT, "templates", "consumer", "main.ts");
  const text = readFileSync(file, "utf8");
  expect(importsOf(text)).toContain(manifest.name);
  expect(nonPublicImports(text, file)).toEqual([]);
});

it("the public constructs' props are readonly, and each optional prop documents its @default", () => {
  const index = readFileSync(join(PROJECT_ROOT, "index.ts"), "utf8");
  const propsModules = [...index.matchAll(/type (\w+Props) \} from "\.\/(stacks\/[\w-]+)"/g)];
  expect(propsModules.length).toBeGreaterThanOrEqual(7);
  for (const [, props, module] of propsModules) {
    const source = readFileSync(join(PROJECT_ROOT, `${module}.ts`), "utf8");
    const body = new RegExp(`export interface ${props} \\{([\\s\\S]*?)\\n\\}`).exec(source)?.[1];
    expect({ props, found: body !== undefined }).toEqual({ props, found: true });
    for (const [, doc, name] of body!.matchAll(/(\/\*\*(?:(?!\*\/)[\s\S])*\*\/)?\s*readonly (\w+)\?:/g)) {
      expect({ props, name, documentsDefault: /@default/.test(doc ?? "") }).toEqual({ props, name, documentsDefault: true });
    }
    // A member declared without `readonly`.
    for (const line of body!.split("\n").filter((l) => /^\s{2}\w+\??:/.test(l))) expect({ props, line }).toEqual({ props, line: "(readonly)" });
  }
});
