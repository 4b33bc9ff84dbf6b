/**
 * Cognito quotas the config reaches as a whole, checked at synth (AWS_QUOTAS). Per-client and
 * per-scope limits are checked where those are read (machine-client-config.ts, api-scopes.ts,
 * api-document.ts for group names and count, machine-clients.ts for scope descriptions).
 */
import { quotaMessage } from "./aws-quotas";
import { DeploymentConfigError } from "./deployment-config-error";
import { DEFAULT_QUOTA_SETTINGS, type QuotaSettings } from "./quota-settings";

/** The stack's app clients: the users' client and one per machine client. */
export function checkAppClientsPerPool(machineClients: number, quotas: QuotaSettings = DEFAULT_QUOTA_SETTINGS): void {
  const clients = 1 + machineClients;
  if (clients > quotas.appClientsPerPool) {
    throw new DeploymentConfigError("machineClients", quotaMessage("cognitoAppClientsPerPool", `${machineClients} machine clients and the users' client make ${clients} app clients in the pool`, clients, quotas.appClientsPerPool));
  }
}
