/** The authorizer's decision log, captured per test, and the assertion that a request was refused for a reason. */
import type { AuthorizerHandler } from "../../handlers/authorizer";

/** Captures console.log lines from beforeEach to afterEach; `lines` is reset for every test. */
export function captureDecisionLog(): { lines: string[] } {
  const log = { lines: [] as string[] };
  beforeEach(() => {
    log.lines = [];
    jest.spyOn(console, "log").mockImplementation((line: string) => void log.lines.push(line));
    // The Lambda entry point writes its decision lines straight to stdout (what the metric filters read).
    const write = process.stdout.write.bind(process.stdout);
    jest.spyOn(process.stdout, "write").mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      const decisions = text.split("\n").filter((line) => line.includes('"message":"authorizer decision"'));
      if (decisions.length === 0) return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
      log.lines.push(...decisions);
      return true;
    }) as typeof process.stdout.write);
  });
  afterEach(() => jest.restoreAllMocks());
  return log;
}

/** The request is refused with 401 and exactly one decision line with `reason`. */
export async function expectDenied(authorize: AuthorizerHandler, event: unknown, reason: string, log: { lines: string[] }): Promise<void> {
  log.lines = [];
  await expect(authorize(event as never)).rejects.toThrow(/^Unauthorized$/);
  expect(log.lines).toHaveLength(1);
  expect(JSON.parse(log.lines[0])).toMatchObject({ decision: "Deny", reason });
}
