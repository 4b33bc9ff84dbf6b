/** Real `npm run local` processes for tests: start on a state folder with any free ports, wait until they serve, stop them. */
import { spawn, type ChildProcess } from "node:child_process";
import { PROJECT_ROOT } from "./terraform";

export interface LocalProcess {
  readonly child: ChildProcess;
  readonly output: () => string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
}

const started: LocalProcess[] = [];

/** `npm run local` on `dir` with any free ports, in its own process group (so the test can stop npm, tsx and node together). */
export function npmRunLocal(dir: string): LocalProcess {
  const child = spawn("npm", ["run", "local", "--", "--dir", dir, "--issuer-port", "0", "--gateway-port", "0"], {
    cwd: PROJECT_ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const local = { child, output: () => output, exited };
  started.push(local);
  return local;
}

export async function until<T>(what: string, probe: () => T | undefined, seconds: number): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${seconds} s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until the instance serves (it prints its start time last), or fails with its output. */
export async function running(local: LocalProcess): Promise<void> {
  let exitCode: number | null | undefined;
  void local.exited.then((code) => (exitCode = code));
  await until("npm run local started", () => {
    if (exitCode !== undefined) throw new Error(`npm run local exited (${exitCode}):\n${local.output()}`);
    return /\(started in \d+ ms\)/.test(local.output()) ? true : undefined;
  }, 90);
}

/** Stops every instance still running (SIGTERM to its process group), for afterAll. */
export async function stopAllLocal(): Promise<void> {
  for (const local of started) {
    if (local.child.exitCode === null && local.child.signalCode === null) {
      process.kill(-local.child.pid!, "SIGTERM");
      await local.exited;
    }
  }
}
