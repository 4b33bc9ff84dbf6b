/**
 * Keeps the current RevocationList of a source (S3 on AWS, a file locally) and refreshes it in
 * the background: a timer every `refreshSeconds`, and, because Lambda freezes timers between
 * invocations, also any request that finds the list due (it starts the refresh and does not
 * wait for it). Only the first load is awaited, by the first request of a cold start.
 *
 * A refresh that fails (source unreachable, a CRL not signed by a truststore CA, …) keeps the
 * last good list and logs why; with no good list at all every certificate is `stale`, and
 * loading is retried every few seconds. Fail closed, never "nothing is revoked".
 */
import type { CertificateIdentity } from "./certificate-identity";
import { withDeadline } from "./deadline";
import { RevocationList, type RevocationStatus } from "./revocation-list";

/** The CRL bundle and the truststore, as bytes, and a version that changes whenever either does. */
export interface RevocationInputs {
  readonly crls: Uint8Array;
  readonly truststore: Uint8Array;
  readonly version: string;
}

/** Where the lists come from. */
export interface RevocationSource {
  /** Names both objects, for the log (never credentials). */
  readonly description: string;
  /** Both objects, or undefined when they are still at version `current` (the store's good list). */
  read(current: string | undefined): Promise<RevocationInputs | undefined>;
}

export interface RevocationStoreOptions {
  readonly source: RevocationSource;
  readonly refreshSeconds: number;
  readonly graceSeconds: number;
  /** @default SOURCE_READ_DEADLINE_MS */
  readonly readDeadlineMs?: number;
  /** The largest CRL bundle loaded (crl-bundle-limit.ts). @default MAX_CRL_BUNDLE_BYTES */
  readonly maxBundleBytes?: number;
}

/** How soon to try again while there is no good list at all. */
const RETRY_WITHOUT_LIST_MS = 5000;

/**
 * The longest one read of the source may take, whatever the source does: a read that hangs is
 * abandoned (and logged) so that the next refresh can start. Sources set their own, shorter
 * deadlines (S3: 5 s per object), which abort the request itself.
 */
export const SOURCE_READ_DEADLINE_MS = 30_000;

export class RevocationStore {
  private list?: RevocationList;
  private version?: string;
  private loadedAt?: number;
  private inFlight?: Promise<void>;
  private lastAttempt = 0;
  private firstLoad?: Promise<void>;
  private readonly timer: NodeJS.Timeout;
  private readonly refreshMs: number;
  private readonly graceMs: number;

  constructor(private readonly options: RevocationStoreOptions) {
    this.refreshMs = options.refreshSeconds * 1000;
    this.graceMs = options.graceSeconds * 1000;
    const first = this.refresh();
    this.firstLoad = first;
    void first.then(() => {
      if (this.firstLoad === first) this.firstLoad = undefined;
    });
    this.timer = setInterval(() => void this.refresh(), this.refreshMs);
    this.timer.unref(); // never keeps a process alive
  }

  /** The first load while it runs (a cold start's first request waits for it), then undefined. */
  pending(): Promise<void> | undefined {
    return this.firstLoad;
  }

  /** The certificate's status now; starts a background refresh when one is due. */
  statusOf(identity: CertificateIdentity): RevocationStatus {
    const now = Date.now();
    if (this.inFlight === undefined && now - this.lastAttempt >= (this.list ? this.refreshMs : Math.min(this.refreshMs, RETRY_WITHOUT_LIST_MS))) {
      void this.refresh();
    }
    return this.list ? this.list.statusOf(identity, now, this.graceMs) : "stale";
  }

  /** Reads the source once (one refresh at a time); never rejects: failures are logged. */
  refresh(): Promise<void> {
    this.inFlight ??= this.load().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Stops the timer (tests, and the local environment on close). */
  close(): void {
    clearInterval(this.timer);
  }

  private async load(): Promise<void> {
    this.lastAttempt = Date.now();
    try {
      const inputs = await withDeadline(this.options.readDeadlineMs ?? SOURCE_READ_DEADLINE_MS, `reading ${this.options.source.description}`, () => this.options.source.read(this.version));
      if (inputs === undefined) return; // unchanged since the good list
      const started = Date.now();
      this.list = RevocationList.fromBundles(inputs.crls, inputs.truststore, { maxBundleBytes: this.options.maxBundleBytes });
      this.version = inputs.version;
      this.loadedAt = Date.now();
      log("INFO", "revocation list loaded", { source: this.options.source.description, loadMs: this.loadedAt - started, ...this.list.summary });
    } catch (error) {
      log("ERROR", "revocation list refresh failed", {
        source: this.options.source.description,
        error: describe(error),
        keeping: this.loadedAt === undefined
          ? "no list: every client certificate is refused (crl_stale) until a load succeeds"
          : `the list loaded at ${new Date(this.loadedAt).toISOString()}`,
      });
    }
  }
}

function describe(error: unknown): string {
  const e = error as { name?: unknown; message?: unknown };
  const message = typeof e?.message === "string" ? e.message.slice(0, 500) : String(error).slice(0, 500);
  return typeof e?.name === "string" && e.name !== "Error" && e.name !== "RevocationListError" && e.name !== "DeadlineError" ? `${e.name}: ${message}` : message;
}

/** One JSON line, like the decision log; names objects and CRLs, never credentials. */
function log(level: "INFO" | "ERROR", message: string, fields: Record<string, unknown>): void {
  console.log(JSON.stringify({ level, message, ...fields }));
}
