/** A machine client setting of cbat.config.json that is wrong: which one, and what to do. Its own file: the config reader and the auth-method reader both throw it. */
export class MachineClientConfigError extends Error {
  constructor(readonly setting: string, readonly problem: string) {
    super(`${setting}: ${problem}`);
  }
}
