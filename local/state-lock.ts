/**
 * One local environment per state folder. Two on one folder would overwrite each other's
 * stack.json, users and keys, and the first one's clients would break. The lock is a file
 * in the folder naming the running instance (pid, host, and its URLs once it listens); it is
 * created atomically (link of a complete file), so a reader never sees it half written.
 * A lock whose process is gone (a crash, kill -9) is taken over, with a note.
 */
import { randomUUID } from "node:crypto";
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";

export const LOCK_FILE = "local.lock";

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
  /** Set once the instance listens. */
  readonly gatewayUrl?: string;
  readonly issuerEndpoint?: string;
  /** Tells two instances in one process apart. */
  readonly token: string;
}

/** The folder is held by a running instance. */
export class StateDirInUseError extends Error {
  constructor(readonly dir: string, readonly holder: LockHolder) {
    const where = holder.host === hostname() ? `pid ${holder.pid}` : `pid ${holder.pid} on host ${holder.host}`;
    const serving = holder.gatewayUrl ? `gateway ${holder.gatewayUrl}` : "still starting";
    super(
      `${dir} is in use by another local environment (${where}, ${serving}, since ${holder.startedAt}). ` +
        `Stop it first (Ctrl-C in its terminal, or kill ${holder.pid}), or start this one with another --dir. ` +
        `If pid ${holder.pid} is not a local environment, delete ${join(dir, LOCK_FILE)}.`,
    );
  }
}

export class StateLock {
  private holder: LockHolder;

  private constructor(private readonly file: string, holder: LockHolder) {
    this.holder = holder;
  }

  /**
   * Takes the folder's lock.
   * @param note told when a stale lock (its process is gone) is taken over
   * @throws StateDirInUseError naming the running instance
   */
  static acquire(dir: string, note: (text: string) => void): StateLock {
    const file = join(dir, LOCK_FILE);
    const mine: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), token: randomUUID() };
    // Bounded: each round either creates the lock, refuses, or removes one stale lock.
    for (let round = 0; round < 5; round++) {
      if (createExclusively(file, mine)) return new StateLock(file, mine);
      const text = readText(file);
      if (text === undefined) continue; // released meanwhile
      const holder = parseHolder(text);
      if (holder && isRunning(holder)) throw new StateDirInUseError(dir, holder);
      // Remove it only if it is still the stale lock just read (another instance may have taken it over).
      if (readText(file) !== text) continue;
      unlinkSync(file);
      note(holder
        ? `Note: took over the lock of a local environment that is gone (pid ${holder.pid}, started ${holder.startedAt}) in ${dir}.`
        : `Note: replaced an unreadable lock file ${file}.`);
    }
    throw new Error(`could not take the lock ${file}: other instances keep changing it; try again`);
  }

  /** Adds the URLs, so that a refused second instance can name them. */
  update(urls: { gatewayUrl: string; issuerEndpoint: string }): void {
    if (!this.held()) return;
    this.holder = { ...this.holder, ...urls };
    const temporary = `${this.file}.${process.pid}.${this.holder.token}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.holder), { mode: 0o600 });
    renameSync(temporary, this.file);
  }

  /** Removes the lock if it is still this instance's. */
  release(): void {
    if (this.held()) unlinkSync(this.file);
  }

  private held(): boolean {
    const text = readText(this.file);
    return text !== undefined && parseHolder(text)?.token === this.holder.token;
  }
}

/** Creates `file` with the holder in it, complete, unless it exists. */
function createExclusively(file: string, holder: LockHolder): boolean {
  const temporary = `${file}.${process.pid}.${holder.token}.tmp`;
  writeFileSync(temporary, JSON.stringify(holder), { mode: 0o600 });
  try {
    linkSync(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    unlinkSync(temporary);
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(text);
    return Number.isInteger(holder?.pid) && typeof holder.host === "string" && typeof holder.token === "string" ? holder : undefined;
  } catch {
    return undefined;
  }
}

/** A holder on another host cannot be checked from here: it counts as running. */
function isRunning(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0); // signal 0: existence check only
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by someone else
  }
}
