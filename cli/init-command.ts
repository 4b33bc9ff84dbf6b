/**
 * `cbat init [dir]`: scaffolds a team's own project on the cert-bound-access-tokens package:
 * package.json (the package and its peer dependencies at the exact versions it was built with),
 * cdktf.json, main.ts, cbat.config.json, an example API document, one handler in the project's
 * own handlers/, .gitignore, help, and a jest snapshot test of the synthesized configuration.
 * It never overwrites a file: a folder that already has one of them is refused, naming them.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import type { Command } from "commander";
import { PACKAGE_ROOT } from "../stacks/package-layout";
import { UserError } from "./errors";

const TEMPLATE_DIR = join(PACKAGE_ROOT, "templates", "consumer");
/** npm leaves .gitignore files out of packages: the template's is `gitignore`. */
const RENAMED: Readonly<Record<string, string>> = { gitignore: ".gitignore" };
/** Tools the scaffolded project runs itself (synth, its TypeScript, its tests), at the versions this package is tested with. */
const PROJECT_DEV_TOOLS = ["cdktf-cli", "tsx", "typescript", "jest", "ts-jest", "@types/jest", "@types/node"];

interface OwnPackage {
  name: string;
  version: string;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  engines: Record<string, string>;
}

/** The files of the new project: path (with /) → content. */
export function scaffoldFiles(projectName: string): Map<string, string> {
  const own = JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as OwnPackage;
  const files = new Map<string, string>();
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) visit(path);
      else files.set(relative(TEMPLATE_DIR, join(dir, RENAMED[entry] ?? entry)).split("\\").join("/"), readFileSync(path, "utf8"));
    }
  };
  visit(TEMPLATE_DIR);
  const manifest = {
    name: projectName,
    version: "0.1.0",
    private: true,
    engines: own.engines,
    scripts: {
      test: "jest",
      synth: "CHECKPOINT_DISABLE=1 cdktf synth",
      local: "cbat local",
      "plan:offline": "cbat plan-offline",
      "plan:summary": "cbat plan-summary",
      "test:deploy": "cbat test-deploy",
    },
    // Exact versions: an upgrade is a deliberate bump, reviewed through the snapshot and the plan.
    dependencies: { [own.name]: own.version, ...own.peerDependencies },
    devDependencies: Object.fromEntries(PROJECT_DEV_TOOLS.map((name) => [name, own.devDependencies[name]])),
    jest: {
      testEnvironment: "node",
      roots: ["<rootDir>/__tests__"],
      transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false, tsconfig: { isolatedModules: true } }] },
      testTimeout: 120000,
    },
  };
  files.set("package.json", `${JSON.stringify(manifest, null, 2)}\n`);
  files.set("cdktf.json", `${JSON.stringify({ language: "typescript", app: "node --require tsx/cjs main.ts", sendCrashReports: "false", terraformProviders: [], terraformModules: [], context: {} }, null, 2)}\n`);
  return files;
}

/** An npm package name from a folder name. */
function projectNameOf(dir: string): string {
  const name = basename(dir).toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[._-]+/, "");
  return name || "cert-bound-api";
}

/** Writes the project into `dir`; returns the files written (relative paths). */
export function initProject(dir: string): string[] {
  const target = resolve(dir);
  if (existsSync(target) && !statSync(target).isDirectory()) throw new UserError(`${dir}: exists and is not a folder`, "name a new or empty folder: cbat init my-api");
  const files = scaffoldFiles(projectNameOf(target));
  const taken = [...files.keys()].filter((file) => existsSync(join(target, file)));
  if (taken.length > 0) {
    throw new UserError(`${dir}: already has ${taken.join(", ")}; cbat init never overwrites a file`, "run it in a new folder (cbat init my-api), or move those files away first.");
  }
  for (const [file, content] of files) {
    mkdirSync(join(target, file, ".."), { recursive: true });
    writeFileSync(join(target, file), content);
  }
  return [...files.keys()];
}

export function registerInitCommand(program: Command): void {
  program
    .command("init")
    .description("scaffold your own project on this package: config, API document, a handler, a snapshot test")
    .argument("[dir]", "folder of the new project (created if missing)", ".")
    .addHelpText("after", "\nExample:\n  npx -p cert-bound-access-tokens cbat init my-api && cd my-api && npm install && npm test")
    .action((dir: string) => {
      const written = initProject(dir);
      const cd = resolve(dir) === process.cwd() ? "" : `cd ${/^[\w./-]+$/.test(dir) ? dir : `'${dir.replace(/'/g, "'\\''")}'`} && `;
      process.stdout.write(`created ${written.length} files in ${dir}: ${written.join(", ")}\n`);
      process.stdout.write(`next: ${cd}npm install && npm test && npx cbat local   (cat help: every command)\n`);
    });
}
