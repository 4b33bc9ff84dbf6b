/**
 * `npm run plan:summary -- <plan.json> [--strict] [--title TEXT] [--today YYYY-MM-DD]`
 * Prints the Markdown summary of a `terraform show -json` plan. Exit codes: 0 printed;
 * 1 a security check failed under --strict, or the file is unreadable; 2 usage error.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { PlanFormatError, summarizePlan } from "./plan-summary";

const USAGE = "usage: npm run plan:summary -- <plan.json> [--strict] [--title TEXT] [--today YYYY-MM-DD]\n  plan.json: output of `terraform show -json tfplan`\n  --today:   the date Lambda runtime support is judged on (default: today)";

function main(argv: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { strict: { type: "boolean" }, title: { type: "string" }, today: { type: "string" }, help: { type: "boolean", short: "h" } } });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return 0;
  }
  if (parsed.positionals.length !== 1) {
    console.error(`expected exactly one plan file\n${USAGE}`);
    return 2;
  }
  const today = parsed.values.today === undefined ? undefined : new Date(`${parsed.values.today}T00:00:00Z`);
  if (today !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(parsed.values.today!) || Number.isNaN(today.getTime()))) {
    console.error(`--today must be a date YYYY-MM-DD, got ${JSON.stringify(parsed.values.today)}\n${USAGE}`);
    return 2;
  }
  const [file] = parsed.positionals;
  let plan: unknown;
  try {
    plan = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : `not JSON (${(error as Error).message})`;
    console.error(`${file}: ${reason}; produce it with \`terraform show -json tfplan > ${file}\``);
    return 1;
  }
  try {
    const summary = summarizePlan(plan, parsed.values.title, { today });
    process.stdout.write(summary.markdown);
    if (parsed.values.strict && summary.securityFailures > 0) {
      console.error(`${summary.securityFailures} security check(s) failed (--strict)`);
      return 1;
    }
    return 0;
  } catch (error) {
    if (error instanceof PlanFormatError) {
      console.error(`${file}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = main(process.argv.slice(2));
