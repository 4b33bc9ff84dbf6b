/**
 * The app's stacks: one per configured environment (`cert-bound-api-dev`, …), or a single
 * `cert-bound-api` when no environment is configured.
 */
import type { App } from "cdktf";
import { CertBoundApiStack } from "./cert-bound-api-stack";
import type { DeploymentConfig } from "./deployment-config";
import { STACK_NAME } from "./stack-name";

export function defineStacks(app: App, config: DeploymentConfig): CertBoundApiStack[] {
  const { backend, api, machineClients, localRun } = config;
  if (config.environments.length === 0) return [new CertBoundApiStack(app, STACK_NAME, { backend, api, machineClients, localRun })];
  return config.environments.map(
    (environment) => new CertBoundApiStack(app, `${STACK_NAME}-${environment.name}`, { backend, environment, api, machineClients, localRun }),
  );
}
