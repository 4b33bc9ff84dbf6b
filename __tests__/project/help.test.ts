/**
 * `help` tells the truth: every npm script and every `cbat` command is on it, it names none
 * that does not exist (both lists come from the code: package.json and the cbat program), the
 * cbat options it shows exist, and every cdktf command is one a new user can run (npx).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { NPM_SCRIPTS as scripts, cbatCommands, cbatMentionProblems, cbatMentions, npmMentionProblems } from "../support/doc-commands";
import { PROJECT_ROOT } from "../support/terraform";

const help = readFileSync(join(PROJECT_ROOT, "help"), "utf8");
/** npm's own commands that help may show as `npm <command>`. */
const NPM_COMMANDS = new Set(["ci", "install", "test", "run"]);

it("shows every npm script", () => {
  for (const script of scripts) {
    const shown = script === "test" ? /\bnpm (run )?test\b/ : new RegExp(`\\bnpm run ${script.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w:.-])`);
    expect({ script, shown: shown.test(help) }).toEqual({ script, shown: true });
  }
});

it("names no npm script or npm command that does not exist", () => {
  expect(npmMentionProblems(help)).toEqual([]);
  for (const [, command] of help.matchAll(/\bnpm ([a-z][\w-]*)/g)) expect([...NPM_COMMANDS]).toContain(command);
});

it("shows every cbat command", () => {
  const mentioned = new Set(cbatMentions(help).map((m) => m.path));
  for (const path of cbatCommands().keys()) expect({ path, shown: mentioned.has(path) }).toEqual({ path, shown: true });
});

it("names no cbat command, and no cbat option, that does not exist", () => {
  expect(cbatMentions(help).length).toBeGreaterThan(0);
  expect(cbatMentionProblems(help)).toEqual([]);
});

it("gives cdktf commands a new user can run (cdktf is a devDependency, not on the PATH)", () => {
  const verbs = "synth|diff|deploy|destroy|output|get|init|list|watch|plan|apply";
  const bare = [...help.matchAll(new RegExp(`(^|[^\\w-])(npx )?cdktf (${verbs})\\b`, "gm"))].filter(([, , npx]) => !npx).map(([found]) => found.trim());
  expect(bare).toEqual([]);
  expect(help).toMatch(/npx cdktf deploy/);
  expect(help).not.toMatch(/project is ready/i); // the cdktf template's text
});

it("fits on one screen", () => {
  const lines = help.trimEnd().split("\n");
  expect(lines.length).toBeLessThanOrEqual(50);
  for (const line of lines) expect([...line].length).toBeLessThanOrEqual(100);
});
