/**
 * A setting with a bad value; `setting` names it as the user wrote it. Its own file: the config
 * reader and the checks it runs (quotas, backends, local integrations) all throw it.
 */
export class DeploymentConfigError extends Error {
  constructor(readonly setting: string, problem: string) {
    super(`${setting}: ${problem}`);
    this.name = "DeploymentConfigError";
  }
}
