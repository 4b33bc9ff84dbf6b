/**
 * What the project's texts (`help`, README.md, docs/*.md) may name: the npm scripts of
 * package.json and the cbat commands and options of the program itself. Shared by the help and
 * the docs tests, so both judge a mention the same way.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { buildProgram } from "../../cli/main";
import { PROJECT_ROOT } from "./terraform";

export const NPM_SCRIPTS = Object.keys(JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")).scripts as Record<string, string>);

/** Every runnable cbat command by its path ("user create"), from the program itself. */
export function cbatCommands(): Map<string, Command> {
  const commands = new Map<string, Command>();
  const visit = (command: Command, path: string[]) => {
    if (command.commands.length === 0) commands.set(path.join(" "), command);
    for (const sub of command.commands) visit(sub, [...path, sub.name()]);
  };
  for (const command of buildProgram().commands) visit(command, [command.name()]);
  return commands;
}

/** Each `cbat …` mention in text: the command path it names (as far as it names commands) and the rest of its line. */
export function cbatMentions(text: string): Array<{ path: string; rest: string }> {
  const top = new Map(buildProgram().commands.map((c) => [c.name(), c]));
  return [...text.matchAll(/\bcbat ([a-z][\w-]*)(?: ([a-z][\w-]*))?([^\n]*)/g)].map(([, first, second, rest]) => {
    const command = top.get(first);
    const subcommand = command && command.commands.length > 0 ? command.commands.find((c) => c.name() === second) : undefined;
    const path = subcommand ? `${first} ${second}` : command && command.commands.length > 0 ? `${first} ${second ?? ""}`.trim() : first;
    return { path, rest: subcommand || !second ? rest : ` ${second}${rest}` };
  });
}

/** Problems with the cbat mentions of a text: commands that do not exist, options a command lacks. */
export function cbatMentionProblems(text: string): string[] {
  const commands = cbatCommands();
  const problems: string[] = [];
  for (const { path, rest } of cbatMentions(text)) {
    const command = commands.get(path);
    if (!command) {
      problems.push(`no such cbat command: ${path}`);
      continue;
    }
    const options = new Set(command.options.flatMap((o) => [o.long, o.short]).filter(Boolean));
    options.add("--help");
    for (const [flag] of rest.matchAll(/--[a-z][\w-]*/g)) if (!options.has(flag)) problems.push(`cbat ${path} has no ${flag}`);
  }
  return problems;
}

/** Problems with the npm mentions of a text: scripts that do not exist. */
export function npmMentionProblems(text: string): string[] {
  return [...text.matchAll(/\bnpm run ([\w:.-]+)/g)].map(([, script]) => script).filter((script) => !NPM_SCRIPTS.includes(script)).map((script) => `no such npm script: ${script}`);
}
