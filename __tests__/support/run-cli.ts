/** Runs the real `cbat` bin in a child process, asynchronously (servers may run in the test process). */
import { execFile } from "node:child_process";
import { join } from "node:path";

const BIN = join(__dirname, "..", "..", "bin", "cbat.js");

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(args: readonly string[], env: Record<string, string> = {}, cwd?: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { encoding: "utf8", env: { ...process.env, ...env }, cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
    child.stdin?.end();
  });
}

/**
 * A refusal as cbat must give it: exit 1, nothing on stdout, the cause on stderr's first line
 * and the hint (if any) on the second, no stack trace, none of the `secrets`.
 */
export function expectRefusal(result: CliResult, cause: string | RegExp, hint: string | undefined, secrets: readonly string[]): void {
  expect(result.code).toBe(1);
  expect(result.stdout).toBe("");
  const [first, second, ...rest] = result.stderr.trimEnd().split("\n");
  if (typeof cause === "string") expect(first).toBe(`cbat: ${cause}`);
  else expect(first).toMatch(cause);
  expect(second).toBe(hint === undefined ? undefined : `  hint: ${hint}`);
  expect(rest).toEqual([]);
  expect(result.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  for (const secret of secrets) expect(result.stderr).not.toContain(secret);
}
