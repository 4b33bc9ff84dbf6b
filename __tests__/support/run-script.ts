/** Runs one of the project's TypeScript entry points as `npm run` does (node + tsx), asynchronously. */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { PROJECT_ROOT } from "./terraform";

export interface ScriptResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `env` replaces the whole environment when `replaceEnv` is set, else it is added to this process's. */
export function runScript(script: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, replaceEnv = false): Promise<ScriptResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--require", require.resolve("tsx/cjs", { paths: [PROJECT_ROOT] }), join(PROJECT_ROOT, script), ...args],
      { cwd: PROJECT_ROOT, encoding: "utf8", env: replaceEnv ? env : { ...process.env, ...env }, timeout: 240_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}
