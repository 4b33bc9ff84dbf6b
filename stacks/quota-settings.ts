/**
 * `api.quotas` in cbat.config.json: the account's own numbers for the raisable AWS quotas the
 * stack checks at synth (stacks/aws-quotas.ts), for an account whose quota AWS raised.
 *
 *   "api": { "openapi": "api.yaml", "quotas": { "resourcesPerApi": 600, "appClientsPerPool": 2000 } }
 */
import { AWS_QUOTAS } from "./aws-quotas";

export interface QuotaSettings {
  /** REST API resources per API. @default 300 (AWS's default) */
  readonly resourcesPerApi: number;
  /** Cognito app clients per user pool. @default 1000 (AWS's default) */
  readonly appClientsPerPool: number;
}

export const DEFAULT_QUOTA_SETTINGS: QuotaSettings = {
  resourcesPerApi: AWS_QUOTAS.resourcesPerApi.value,
  appClientsPerPool: AWS_QUOTAS.cognitoAppClientsPerPool.value,
};

/** Bad `api.quotas`; `setting` names the field as written. */
export class QuotaSettingsError extends Error {
  constructor(readonly setting: string, readonly problem: string) {
    super(`${setting}: ${problem}`);
  }
}

/** `api.quotas` read and checked; absent fields take AWS's defaults. */
export function parseQuotaSettings(section: unknown, setting: string): QuotaSettings {
  if (section === undefined) return DEFAULT_QUOTA_SETTINGS;
  if (section === null || typeof section !== "object" || Array.isArray(section)) {
    throw new QuotaSettingsError(setting, 'must be an object such as {"resourcesPerApi": 600} (your account\'s raised quotas)');
  }
  const fields = section as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => !(key in DEFAULT_QUOTA_SETTINGS));
  if (unknown.length > 0) throw new QuotaSettingsError(setting, `unknown setting(s) ${unknown.join(", ")}; allowed: ${Object.keys(DEFAULT_QUOTA_SETTINGS).join(", ")}`);
  const value = (key: keyof QuotaSettings): number => {
    const v = fields[key] ?? DEFAULT_QUOTA_SETTINGS[key];
    if (typeof v !== "number" || !Number.isInteger(v) || v < DEFAULT_QUOTA_SETTINGS[key] || v > 1_000_000) {
      throw new QuotaSettingsError(`${setting}.${key}`, `must be a whole number from AWS's default ${DEFAULT_QUOTA_SETTINGS[key]} up: the quota AWS raised your account to (Service Quotas console)`);
    }
    return v;
  };
  return { resourcesPerApi: value("resourcesPerApi"), appClientsPerPool: value("appClientsPerPool") };
}
