/**
 * A deadline that really ends a network call: the work gets an AbortSignal that fires when the
 * time is up (the AWS SDK, fetch and streams stop on it), and the returned promise rejects at the
 * deadline even if the work ignores the signal, so no caller waits past it.
 */
export class DeadlineError extends Error {
  override readonly name = "DeadlineError";
}

/** @throws DeadlineError `${what} took longer than N ms` when the deadline passes first */
export async function withDeadline<T>(ms: number, what: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new DeadlineError(`${what} took longer than ${ms} ms`);
      controller.abort(error);
      reject(error);
    }, ms);
    timer.unref(); // never keeps a process alive
  });
  try {
    return await Promise.race([work(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}
