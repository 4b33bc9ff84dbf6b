/**
 * A log file that `npm run local` appends lines to on every request: opened once (0600) and
 * written with one synchronous write per line, so a line is readable the moment its response
 * ends, without the open and close that appendFileSync costs each time. Closed with the
 * environment; deleting the file while the environment runs loses the lines written after.
 */
import { closeSync, openSync, writeSync } from "node:fs";

export class AppendOnlyFile {
  private fd?: number;

  constructor(readonly file: string) {}

  append(text: string): void {
    this.fd ??= openSync(this.file, "a", 0o600);
    writeSync(this.fd, text);
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}
