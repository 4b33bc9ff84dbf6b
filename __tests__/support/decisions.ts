/** The authorizer's decision log, captured per test, and the assertion that a request was refused for a reason. */
import type { AuthorizerHandler } from "../../handlers/authorizer";

/** Captures console.log lines from beforeEach to afterEach; `lines` is reset for every test. */
export function captureDecisionLog(): { lines: string[] } {
  const log = { lines: [] as string[] };
  beforeEach(() => {
    log.lines = [];
    jest.spyOn(console, "log").mockImplementation((line: string) => void log.lines.push(line));
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
