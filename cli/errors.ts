/** A mistake the user can fix (bad file, missing setting, unreachable server): exit code 1, message only, no stack. */
export class UserError extends Error {
  /** @param hint one line on what to do, printed after the message */
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}

/** Wrong use of the command line: exit code 2, with the usage. */
export class UsageError extends Error {}
