/**
 * Jest's node environment, plus: a suite fails when it ends with a handle open that it did not
 * start with (a server not closed, a child process or socket left running, a timer not cleared
 * or unref'd), the leaks that make "a worker process has failed to exit gracefully". Checked at
 * teardown, after every afterAll; what keeps the event loop alive is from
 * process.getActiveResourcesInfo() (unref'd timers and handles do not count). A suite whose tests
 * failed is left to those failures (a timed-out test leaves its child process running), so that
 * its test results are reported rather than replaced by this error.
 */
const { TestEnvironment } = require("jest-environment-node");

/** Resource types that are not a suite's: in-flight fs requests and the workers' own pipes. */
const IGNORED = new Set(["FSReqCallback", "FSReqPromise", "Immediate", "PipeWrap", "TTYWrap", "StatWatcher"]);
const SETTLE_MS = 2000;

/** What the leaked handles are, where node can tell: child processes by command, servers by address. */
function describeHandles() {
  const described = [];
  for (const handle of process._getActiveHandles?.() ?? []) {
    if (typeof handle?.spawnfile === "string") described.push(`child process ${[handle.spawnfile, ...(handle.spawnargs ?? []).slice(1, 4)].join(" ")}`);
    else if (typeof handle?.address === "function" && handle.listening) described.push(`server on ${JSON.stringify(handle.address())}`);
  }
  return described;
}

/**
 * jest-worker ends a worker by dropping its message listener and letting the event loop drain,
 * and gives it 500 ms before it forces the exit and prints "a worker process has failed to exit
 * gracefully". Measured with no handle left open: a drained node took 120-200 ms to be gone at
 * 150 MB, more for a larger worker on a loaded machine; process.exit() takes 90-120 ms at 150 MB
 * (the rest is the kernel freeing the memory). So once jest-worker has handled its end message
 * (CHILD_MESSAGE_END, 2: every result is already sent), the worker exits without the drain;
 * leaks are still caught per suite, below.
 */
const CHILD_MESSAGE_END = 2;
if (process.send && !process.listeners("message").some((listener) => listener.exitsOnJestEnd)) {
  const exitOnEnd = (message) => {
    if (Array.isArray(message) && message[0] === CHILD_MESSAGE_END) process.exit(0);
  };
  exitOnEnd.exitsOnJestEnd = true;
  process.on("message", exitOnEnd);
}

const count = (names) => names.filter((name) => !IGNORED.has(name)).reduce((counts, name) => counts.set(name, (counts.get(name) ?? 0) + 1), new Map());

class OpenHandleEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.suite = context.testPath;
  }

  handleTestEvent(event) {
    if (event.name === "test_done" && event.test.errors.length > 0) this.testsFailed = true;
  }

  async setup() {
    await super.setup();
    this.before = count(process.getActiveResourcesInfo());
  }

  async teardown() {
    // Closes started in afterAll (sockets, child exits) settle within a moment.
    let leaked = [];
    for (const deadline = Date.now() + SETTLE_MS; ;) {
      const now = count(process.getActiveResourcesInfo());
      leaked = [...now].filter(([name, n]) => n > (this.before.get(name) ?? 0)).map(([name, n]) => `${n - (this.before.get(name) ?? 0)} ${name}`);
      if (leaked.length === 0 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50).unref());
    }
    await super.teardown();
    if (leaked.length > 0 && !this.testsFailed) {
      const known = describeHandles();
      throw new Error(`${this.suite} left open: ${leaked.join(", ")}${known.length > 0 ? ` (among the open handles: ${known.join("; ")})` : ""}; close servers, stop child processes and clear (or unref) timers in afterAll`);
    }
  }
}

module.exports = OpenHandleEnvironment;
