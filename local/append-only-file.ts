/**
 * A log file that `npm run local` appends lines to on every request: opened once (0600), and
 * the lines of one event-loop turn written together, with one synchronous write, when the turn
 * ends (setImmediate), not one write per line. A reader in another process sees a line at most
 * one turn after its response ended; nothing appended is lost on close() (Ctrl-C closes the
 * environment) or on process exit, which writes what is still pending. Deleting the file while
 * the environment runs loses the lines written after.
 */
import { closeSync, openSync, writeSync } from "node:fs";

/**
 * Files with lines not yet written, and the exit handler that writes them: installed only while
 * there are some, so no listener stays behind (or piles up across Jest's module registries).
 */
const unwritten = new Set<AppendOnlyFile>();
const writeUnwritten = () => unwritten.forEach((file) => file.flush());

export class AppendOnlyFile {
  private fd?: number;
  private pending: string[] = [];

  constructor(readonly file: string) {}

  append(text: string): void {
    this.pending.push(text);
    if (this.pending.length > 1) return; // a write is already scheduled for this turn
    if (unwritten.size === 0) process.once("exit", writeUnwritten);
    unwritten.add(this);
    setImmediate(() => this.flush());
  }

  /** Writes the pending lines now (the end of the turn, close, exit). */
  flush(): void {
    if (this.pending.length === 0) return;
    const text = this.pending.length === 1 ? this.pending[0] : this.pending.join("");
    this.pending = [];
    unwritten.delete(this);
    if (unwritten.size === 0) process.removeListener("exit", writeUnwritten);
    this.fd ??= openSync(this.file, "a", 0o600);
    writeSync(this.fd, text);
  }

  close(): void {
    this.flush();
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}
