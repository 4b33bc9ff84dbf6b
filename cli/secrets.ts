/**
 * Secrets for the CLI (passwords, tokens): from a flag, an environment variable, or a prompt
 * that does not echo. Never printed, never put in an error message.
 */
import { UserError } from "./errors";

export async function secretFrom(flagValue: string | undefined, envName: string, prompt: string): Promise<string> {
  if (flagValue) return flagValue;
  const fromEnv = process.env[envName];
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) throw new UserError(`${prompt.replace(/:\s*$/, "")} is required: set ${envName} (or run in a terminal to be prompted)`);
  return readHidden(prompt);
}

function readHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    let value = "";
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString("utf8")) {
        if (ch === "\r" || ch === "\n") {
          finish();
          return resolve(value);
        }
        if (ch === "\u0003") {
          finish();
          return reject(new UserError("cancelled"));
        }
        if (ch === "\u007f") value = value.slice(0, -1);
        else value += ch;
      }
    };
    const finish = () => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
    };
    stdin.on("data", onData);
  });
}
