/**
 * The local log files: the lines of one event-loop turn are written together when it ends, in
 * order, with nothing lost on close() or when the process exits before the turn ends.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { AppendOnlyFile } from "../../local/append-only-file";

const PROJECT_ROOT = resolve(__dirname, "../..");

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cbat-append-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const read = (file: string) => readFileSync(file, "utf8");
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

test("a turn's lines are written in order when it ends, owner-only", async () => {
  const file = join(dir, "a.log");
  const log = new AppendOnlyFile(file);
  log.append("one\n");
  log.append("two\n");
  await nextTurn();
  expect(read(file)).toBe("one\ntwo\n");
  log.append("three\n");
  await nextTurn();
  expect(read(file)).toBe("one\ntwo\nthree\n");
  expect(statSync(file).mode & 0o777).toBe(0o600);
  log.close();
});

test("close() writes what is pending", () => {
  const file = join(dir, "b.log");
  const log = new AppendOnlyFile(file);
  log.append("pending\n");
  log.close();
  expect(read(file)).toBe("pending\n");
});

test("a process that exits in the same turn still writes its lines, and leaves no exit listener behind", () => {
  const file = join(dir, "c.log");
  const script = `const { AppendOnlyFile } = require("./local/append-only-file");
    const before = process.listenerCount("exit");
    const log = new AppendOnlyFile(${JSON.stringify(file)});
    log.append("first\\n"); log.append("last\\n");
    if (process.listenerCount("exit") !== before + 1) throw new Error("no exit listener while lines are pending");
    process.exit(0);`;
  execFileSync(process.execPath, ["--require", "tsx/cjs", "-e", script], { cwd: PROJECT_ROOT });
  expect(read(file)).toBe("first\nlast\n");
  const listeners = `const { AppendOnlyFile } = require("./local/append-only-file");
    const before = process.listenerCount("exit");
    const log = new AppendOnlyFile(${JSON.stringify(join(dir, "d.log"))});
    log.append("x\\n");
    setImmediate(() => process.stdout.write(String(process.listenerCount("exit") - before)));`;
  expect(execFileSync(process.execPath, ["--require", "tsx/cjs", "-e", listeners], { cwd: PROJECT_ROOT, encoding: "utf8" })).toBe("0");
});
