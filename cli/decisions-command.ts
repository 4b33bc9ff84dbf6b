/**
 * `cbat decisions [--dir .local] [--minutes 15]`: what the operator's dashboard would show for
 * the local environment. Reads <dir>/access.log (the stage's access log) and <dir>/authorizer.log
 * (the authorizer's decision lines), keeps the requests of the last N minutes and joins their
 * decisions by request id, as an operator joins the two log groups in CloudWatch Logs Insights.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { Command } from "commander";
import { DecisionTally, parseAccessLine, parseDecisionLine } from "../local/decision-tally";
import { UsageError, UserError } from "./errors";

export interface DecisionsReportOptions {
  readonly dir: string;
  readonly minutes: number;
  /** @default now */
  readonly now?: number;
}

const linesOf = (file: string) => (existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : []);

export function decisionsReport({ dir, minutes, now = Date.now() }: DecisionsReportOptions): string {
  const accessFile = join(dir, "access.log");
  const authorizerFile = join(dir, "authorizer.log");
  if (!existsSync(accessFile) && !existsSync(authorizerFile)) {
    throw new UserError(`${dir}: no access.log or authorizer.log; start \`npm run local -- --dir ${dir}\` and send a request first`);
  }
  const since = now - minutes * 60_000;
  const tally = new DecisionTally();
  const inWindow = new Set<string>();
  for (const record of linesOf(accessFile).map(parseAccessLine)) {
    if (!record || !(Number(record.requestTimeEpoch) >= since)) continue;
    tally.addAccess(record);
    if (record.requestId && record.requestId !== "-") inWindow.add(record.requestId);
  }
  for (const decision of linesOf(authorizerFile).map(parseDecisionLine)) {
    if (decision?.requestId && inWindow.has(decision.requestId)) tally.addDecision(decision);
  }
  const shown = relative(process.cwd(), dir) || dir;
  return [`Decisions in the last ${minutes} minute${minutes === 1 ? "" : "s"} (${shown}/access.log, ${shown}/authorizer.log):`, ...tally.report()].join("\n");
}

export function registerDecisionsCommand(program: Command): void {
  program
    .command("decisions")
    .description("local environment: the authorizer's decisions by reason, gateway refusals and refused handshakes of the last minutes")
    .option("--dir <dir>", "the folder of `npm run local`", ".local")
    .option("--minutes <n>", "how far back", "15")
    .addHelpText("after", "\nExample:\n  cbat decisions --dir .local --minutes 5\nOn AWS the same numbers are on the CloudWatch dashboard (output dashboard_name).")
    .action((options: { dir: string; minutes: string }) => {
      const minutes = Number(options.minutes);
      if (!Number.isInteger(minutes) || minutes < 1) throw new UsageError(`--minutes must be a whole number of minutes (1 or more), got ${JSON.stringify(options.minutes)}`);
      process.stdout.write(`${decisionsReport({ dir: options.dir, minutes })}\n`);
    });
}
