/** A mistake the user can fix (bad file, missing setting): exit code 1, message only, no stack. */
export class UserError extends Error {}

/** Wrong use of the command line: exit code 2, with the usage. */
export class UsageError extends Error {}
