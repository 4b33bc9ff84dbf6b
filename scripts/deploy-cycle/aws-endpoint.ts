/**
 * The AWS stand-in of a deploy cycle: the URL in AWS_ENDPOINT_URL when set, otherwise a
 * moto_server started here on a free loopback port (in its own process group) and stopped at
 * the end, also when the cycle fails or this process exits early.
 */
import { spawn } from "node:child_process";
import { accessSync, closeSync, constants, openSync, readFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";

export const MOTO_INSTALL_HINT = "install it with `pip install 'moto[server]'` (moto 5.x, Python 3) so that `moto_server` is on the PATH, or set AWS_ENDPOINT_URL to a running AWS stand-in";

export interface AwsEndpoint {
  readonly url: string;
  /** What provides it, for the log: "AWS_ENDPOINT_URL" or "moto_server (pid N)". */
  readonly description: string;
  /** Stops what this process started; a no-op for AWS_ENDPOINT_URL. */
  stop(): Promise<void>;
}

/** The moto_server executable on the PATH, or undefined. */
export function findMotoServer(path = process.env.PATH ?? ""): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, "moto_server");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** Where the stand-in comes from: a given URL, or a moto_server to start. */
export type EndpointSource = { readonly url: string } | { readonly motoServer: string };

/**
 * AWS_ENDPOINT_URL when set, otherwise the moto_server on the PATH; decided before anything starts.
 * @throws Error with MOTO_INSTALL_HINT when there is neither, or when AWS_ENDPOINT_URL is not a base URL
 */
export function endpointSource(env: NodeJS.ProcessEnv = process.env): EndpointSource {
  const given = env.AWS_ENDPOINT_URL?.trim();
  if (given) {
    if (!/^https?:\/\/[^/\s]+\/?$/.test(given)) throw new Error(`AWS_ENDPOINT_URL "${given}" must be a base URL such as http://127.0.0.1:5000`);
    return { url: given.replace(/\/$/, "") };
  }
  const motoServer = findMotoServer(env.PATH);
  if (!motoServer) throw new Error(`moto_server is not on the PATH: ${MOTO_INSTALL_HINT}`);
  return { motoServer };
}

/** The given URL as is, or a new moto_server whose output goes to `logFile`. */
export async function startEndpoint(source: EndpointSource, logFile: string): Promise<AwsEndpoint> {
  if ("url" in source) return { url: source.url, description: "AWS_ENDPOINT_URL", stop: async () => {} };
  // Its recorder (moto-recorder.ts) writes next to the log, never into the project.
  return startMotoServer(source.motoServer, logFile, { ...MOTO_SERVER_ENV, MOTO_RECORDER_FILEPATH: join(dirname(logFile), "moto-recording.jsonl") });
}

const STARTUP_TIMEOUT_MS = 30_000;

/**
 * moto's settings for the stack: AWS-managed IAM policies (the account logging role attaches
 * AmazonAPIGatewayPushToCloudWatchLogs) exist in moto only when it loads them at startup;
 * otherwise AttachRolePolicy answers NoSuchEntity. An external AWS_ENDPOINT_URL moto needs the same.
 */
export const MOTO_SERVER_ENV: Readonly<Record<string, string>> = { MOTO_IAM_LOAD_MANAGED_POLICIES: "true" };

/**
 * Starts moto_server on 127.0.0.1 with port 0 (any free port) and waits for the port it
 * reports. Its request log goes to a file, never to a pipe that could fill up and stall it.
 * `settings`: moto's environment settings, MOTO_SERVER_ENV unless a test wants another moto.
 */
export async function startMotoServer(executable: string, logFile: string, settings: Readonly<Record<string, string>> = MOTO_SERVER_ENV): Promise<AwsEndpoint> {
  const log = openSync(logFile, "w");
  const child = spawn(executable, ["-H", "127.0.0.1", "-p", "0"], { detached: true, stdio: ["ignore", log, log], env: { ...process.env, ...settings } });
  closeSync(log);
  let exited = child.exitCode !== null;
  const exit = new Promise<void>((resolve) => child.once("exit", () => {
    exited = true;
    resolve();
  }));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined && !exited) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const killOnExit = () => signalGroup("SIGTERM");
  // A crash of this process must not leave moto running.
  process.once("exit", killOnExit);
  const stop = async (): Promise<void> => {
    process.removeListener("exit", killOnExit);
    if (exited) return;
    signalGroup("SIGTERM");
    const timer = setTimeout(() => signalGroup("SIGKILL"), 5_000);
    await exit;
    clearTimeout(timer);
  };

  let spawnError: Error | undefined;
  child.once("error", (error) => (spawnError = error));
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    const output = readFileSync(logFile, "utf8");
    const port = /Running on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1];
    if (port) return { url: `http://127.0.0.1:${port}`, description: `moto_server (pid ${child.pid}, log ${logFile})`, stop };
    const why = spawnError ? `could not start (${spawnError.message}); ${MOTO_INSTALL_HINT}`
      : exited ? `exited during startup (code ${child.exitCode ?? child.signalCode})`
      : Date.now() > deadline ? `did not report its port within ${STARTUP_TIMEOUT_MS / 1000} s` : undefined;
    if (why) {
      await stop();
      throw new Error(`moto_server ${why}:\n${output.trim().slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
