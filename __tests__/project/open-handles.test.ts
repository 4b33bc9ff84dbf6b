/**
 * The jest environment of every suite (jest.config.js) fails a suite that leaves a handle open:
 * driven here directly, with a real server left listening, then closed. And a worker process that
 * loads it exits on jest-worker's end message, and on no other.
 */
import { fork } from "node:child_process";
import { createServer, type Server } from "node:net";
import { join } from "node:path";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const OpenHandleEnvironment = require("../support/open-handle-environment.js");

function environment(): { setup(): Promise<void>; teardown(): Promise<void> } {
  const projectConfig = { testEnvironmentOptions: {}, globals: {}, setupFiles: [], fakeTimers: {}, testPathIgnorePatterns: [] };
  return new OpenHandleEnvironment({ globalConfig: {}, projectConfig }, { console, docblockPragmas: {}, testPath: join(__dirname, "leaky.test.ts") });
}

const listening = async (): Promise<Server> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
};

it("fails the suite that leaves a server listening, naming the suite and the handle", async () => {
  const env = environment();
  await env.setup();
  const server = await listening();
  try {
    await expect(env.teardown()).rejects.toThrow(/leaky\.test\.ts left open: 1 TCPServerWrap \(among the open handles: server on \{"address":"127\.0\.0\.1".*\); close servers/);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

it("leaves the verdict to the failed tests of a suite (a timed-out test leaves its child running)", async () => {
  const env = environment() as ReturnType<typeof environment> & { handleTestEvent(event: { name: string; test?: { errors: unknown[] } }): void };
  await env.setup();
  const server = await listening();
  env.handleTestEvent({ name: "test_done", test: { errors: [new Error("Exceeded timeout")] } });
  try {
    await expect(env.teardown()).resolves.toBeUndefined();
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

it("passes the suite that closes what it opened, and ignores unref'd timers", async () => {
  const env = environment();
  await env.setup();
  const server = await listening();
  const timer = setInterval(() => {}, 60_000).unref();
  await new Promise((resolve) => server.close(resolve));
  await expect(env.teardown()).resolves.toBeUndefined();
  clearInterval(timer);
});

it("makes a jest worker process exit on jest-worker's end message, and on no other", async () => {
  // A real child process with an IPC channel, as jest-worker forks its workers, loading the environment.
  const child = fork(join(__dirname, "..", "support", "open-handle-environment.js"), [], { stdio: "ignore" });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await new Promise((resolve) => child.once("spawn", resolve));
  child.send([1, false, "worker", []]); // CHILD_MESSAGE_CALL: not the end
  await new Promise((resolve) => setTimeout(resolve, 1000));
  expect(child.exitCode).toBeNull(); // still listening: without the hook nothing holds the channel and it is gone
  child.send([2, false]); // CHILD_MESSAGE_END
  expect(await exited).toBe(0);
});
