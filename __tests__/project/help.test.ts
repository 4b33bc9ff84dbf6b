/**
 * `help` tells the truth: every npm script and every `cbat` command is on it, it names none
 * that does not exist (both lists come from the code: package.json and the cbat program), the
 * cbat options it shows exist, and every cdktf command is one a new user can run (npx).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { buildProgram } from "../../cli/main";
import { PROJECT_ROOT } from "../support/terraform";

const help = readFileSync(join(PROJECT_ROOT, "help"), "utf8");
const scripts = Object.keys(JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")).scripts as Record<string, string>);
/** npm's own commands that help may show as `npm <command>`. */
const NPM_COMMANDS = new Set(["ci", "install", "test", "run"]);

/** Every runnable cbat command by its path ("user create"), from the program itself. */
function cbatCommands(): Map<string, Command> {
  const commands = new Map<string, Command>();
  const visit = (command: Command, path: string[]) => {
    if (command.commands.length === 0) commands.set(path.join(" "), command);
    for (const sub of command.commands) visit(sub, [...path, sub.name()]);
  };
  for (const command of buildProgram().commands) visit(command, [command.name()]);
  return commands;
}

/** Each `cbat …` mention in help: the command path it names (as far as it names commands) and the rest of its line. */
function cbatMentions(): Array<{ path: string; rest: string }> {
  const top = new Map(buildProgram().commands.map((c) => [c.name(), c]));
  return [...help.matchAll(/\bcbat ([a-z][\w-]*)(?: ([a-z][\w-]*))?([^\n]*)/g)].map(([, first, second, rest]) => {
    const command = top.get(first);
    const subcommand = command && command.commands.length > 0 ? command.commands.find((c) => c.name() === second) : undefined;
    const path = subcommand ? `${first} ${second}` : command && command.commands.length > 0 ? `${first} ${second ?? ""}`.trim() : first;
    return { path, rest: subcommand || !second ? rest : ` ${second}${rest}` };
  });
}

it("shows every npm script", () => {
  for (const script of scripts) {
    const shown = script === "test" ? /\bnpm (run )?test\b/ : new RegExp(`\\bnpm run ${script.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w:.-])`);
    expect({ script, shown: shown.test(help) }).toEqual({ script, shown: true });
  }
});

it("names no npm script or npm command that does not exist", () => {
  for (const [, script] of help.matchAll(/\bnpm run ([\w:.-]+)/g)) expect(scripts).toContain(script);
  for (const [, command] of help.matchAll(/\bnpm ([a-z][\w-]*)/g)) expect([...NPM_COMMANDS]).toContain(command);
});

it("shows every cbat command", () => {
  const mentioned = new Set(cbatMentions().map((m) => m.path));
  for (const path of cbatCommands().keys()) expect({ path, shown: mentioned.has(path) }).toEqual({ path, shown: true });
});

it("names no cbat command, and no cbat option, that does not exist", () => {
  const commands = cbatCommands();
  const mentions = cbatMentions();
  expect(mentions.length).toBeGreaterThan(0);
  for (const { path, rest } of mentions) {
    expect(commands.has(path) ? path : `no such cbat command: ${path}`).toBe(path);
    const options = new Set(commands.get(path)!.options.flatMap((o) => [o.long, o.short]).filter(Boolean));
    options.add("--help");
    for (const [flag] of rest.matchAll(/--[a-z][\w-]*/g)) expect(options.has(flag) ? flag : `cbat ${path} has no ${flag}`).toBe(flag);
  }
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
