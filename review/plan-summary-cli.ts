/**
 * `npm run plan:summary -- <plan.json> [--strict] [--title TEXT] [--today YYYY-MM-DD]`
 * Prints the Markdown summary of a `terraform show -json` plan. Exit codes: 0 printed;
 * 1 a security check failed under --strict, or the file is unreadable; 2 usage error.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { PlanFormatError, summarizePlan } from "./plan-summary";

const USAGE = "usage: npm run plan:summary -- <plan.json> [--strict] [--title TEXT] [--today YYYY-MM-DD]\n  plan.json: output of `terraform show -json tfplan`\n  --today:   the date Lambda runtime support is judged on (default: today)";

/** `cbat plan-summary` (and `npm run plan:summary` here): returns the exit code. */
export function main(argv: string[]): number {
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
    console.error(unreadablePlanMessage(file, error as NodeJS.ErrnoException));
    return 1;
  }
  try {
    const summary = summarizePlan(plan, parsed.values.title, { today });
    process.stdout.write(summary.markdown);
    const strictFailures = summary.securityFailures + summary.security.filter((c) => c.ok && c.strict).length;
    if (parsed.values.strict && strictFailures > 0) {
      console.error(`${strictFailures} security check(s) failed (--strict)`);
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

/** A binary plan (`terraform plan -out=FILE`) is a zip archive. */
function isBinaryPlan(file: string): boolean {
  try {
    return readFileSync(file).subarray(0, 4).equals(Buffer.from("PK\x03\x04", "latin1"));
  } catch {
    return false;
  }
}

/** Where to write the JSON form of a binary plan: never the plan itself, nor a Terraform config name (*.tf.json). */
function jsonFileFor(binaryPlan: string): string {
  const base = binaryPlan.replace(/\.(tfplan|bin|plan|json)$/, "");
  const json = `${base}.json`;
  return json === binaryPlan || json.endsWith(".tf.json") ? `${base}.plan.json` : json;
}

/**
 * Why the file cannot be read, and a command that makes the JSON plan. The command never
 * redirects into the file given (`>` would destroy a binary plan): it writes a separate *.json file.
 */
function unreadablePlanMessage(file: string, error: NodeJS.ErrnoException): string {
  const convert = (plan: string) => `\`terraform show -json ${plan} > ${jsonFileFor(plan)}\`, then \`npm run plan:summary -- ${jsonFileFor(plan)}\``;
  if (error.code === "ENOENT") {
    if (file.endsWith(".json")) return `${file}: file not found; make it from a binary plan: \`terraform plan -out=tfplan && terraform show -json tfplan > ${file}\``;
    return `${file}: file not found; plan:summary reads a plan's JSON form: \`terraform plan -out=${file}\`, ${convert(file)}`;
  }
  if (error.code === "EISDIR") return `${file}: is a folder; pass a plan's JSON form (\`terraform show -json tfplan > plan.json\`)`;
  if (error.code !== undefined) return `${file}: cannot be read (${error.code})`;
  if (isBinaryPlan(file)) return `${file}: a binary plan (terraform plan -out), not JSON; convert it: ${convert(file)}`;
  return `${file}: not JSON (${error.message}); plan:summary reads a plan's JSON form: ${convert("tfplan")}`;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
