/**
 * Synth-time deployment configuration: which environments to synthesize (one stack each)
 * and where Terraform keeps their state. Read from an optional committed JSON file
 * (`cbat.config.json` at the project root, or the file named by CBAT_CONFIG) and from
 * environment variables, which win. Every error names the setting and the allowed values.
 *
 * | setting | file | environment variable |
 * | --- | --- | --- |
 * | environments | `environments`: ["dev", "prod"] or [{ "name", "logRetentionDays", "enableAdminPasswordAuth", "userPoolDeletionProtection", "ephemeral", "enableUserPasswordAuth", "manageApiGatewayAccount", "awsAccountId", "awsRegion" }] | CBAT_ENVIRONMENTS=dev,prod |
 * | backend type | `backend.type`: local, s3, cloud | CBAT_BACKEND |
 * | S3 bucket / region / key prefix | `backend.bucket`, `backend.region`, `backend.keyPrefix` | CBAT_STATE_BUCKET, CBAT_STATE_REGION, CBAT_STATE_KEY_PREFIX |
 * | HCP Terraform | `backend.organization`, `backend.workspace` or `backend.workspaceTags`, `backend.hostname` | CBAT_TFC_ORGANIZATION, CBAT_TFC_WORKSPACE, CBAT_TFC_WORKSPACE_TAGS, CBAT_TFC_HOSTNAME |
 * | the API document | `api.openapi`: path of an OpenAPI 3.0 document, relative to the config file | (none) |
 * | the team's handlers | `api.handlersDir`: folder of the `x-cbat-handler` sources, relative to the config file, default "handlers" | (none) |
 * | user scopes from groups | `api.groupScopes`: { "<group>": ["<scope>", …] } | (none) |
 * | the resource server (custom scopes `<identifier>/<name>`) | `api.resourceServer`: identifier, default "cbat" | (none) |
 * | raised AWS quotas | `api.quotas`: { "resourcesPerApi", "appClientsPerPool" } (stacks/quota-settings.ts) | (none) |
 * | local backends for npm run local | `api.localIntegrations`: { "<operationId or METHOD /path>": "<uri>" } (stacks/local-integrations.ts) | (none) |
 * | machine clients (client_credentials) | `machineClients`: { "<name>": { "certificate" or "fingerprint", "scopes" } } | (none) |
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { ApiDocumentError, builtInApi, isObject, loadApiDocument, type ApiDefinition } from "./api-document";
import { DEFAULT_RESOURCE_SERVER } from "./api-scopes";
import { parseQuotaSettings, QuotaSettingsError } from "./quota-settings";
import { parseLocalIntegrations } from "./local-integrations";
import { parseMachineClients } from "./machine-client-config";
import type { MachineClientDefinition } from "./machine-client-definition";
import { MachineClientConfigError } from "./machine-client-config-error";
import { LOG_RETENTION_DAYS } from "./stack-inputs";
import { projectRoot } from "./package-layout";
import { DeploymentConfigError } from "./deployment-config-error";

/** This repository's cbat.config.json; the built package (a consumer's project) reads the one in the current folder. */
export const DEFAULT_CONFIG_FILE = join(projectRoot(), "cbat.config.json");
export const BACKEND_TYPES = ["local", "s3", "cloud"] as const;

export type BackendSettings =
  | { readonly type: "local" }
  | { readonly type: "s3"; readonly bucket: string; readonly region: string; readonly keyPrefix: string }
  | {
      readonly type: "cloud";
      readonly organization: string;
      readonly hostname: string;
      /** Exactly one of workspace and workspaceTags. */
      readonly workspace?: string;
      readonly workspaceTags?: readonly string[];
    };

export interface EnvironmentSettings {
  readonly name: string;
  /** Default of the log_retention_days variable. */
  readonly logRetentionDays: number;
  /** Default of the enable_admin_password_auth variable. */
  readonly enableAdminPasswordAuth: boolean;
  /** Default of the user_pool_deletion_protection variable: true unless the environment is ephemeral. */
  readonly userPoolDeletionProtection: boolean;
  /** A throw-away environment (trials, CI): its user pool may be destroyed with it. @default true for `dev` only */
  readonly ephemeral?: boolean;
  /** Default of the enable_user_password_auth variable (USER_PASSWORD_AUTH: opt-in; `npm run local` allows it on its own). @default false */
  readonly enableUserPasswordAuth?: boolean;
  /**
   * Default of the manage_api_gateway_account variable: this environment's stack owns the account
   * and region's one API Gateway logging setting. @default true for a single environment; with
   * several, for `prod` if listed, else the first (see parseEnvironments)
   */
  readonly manageApiGatewayAccount?: boolean;
  /** The AWS account this environment deploys to (12 digits), when known: tells environments apart. */
  readonly awsAccountId?: string;
  /** The region this environment deploys to, when known: the default of aws_region, and tells environments apart. */
  readonly awsRegion?: string;
}

export interface DeploymentConfig {
  /** Empty: one stack without an environment suffix. */
  readonly environments: readonly EnvironmentSettings[];
  readonly backend: BackendSettings;
  /**
   * The API behind the binding.
   * @default the built-in `GET /example` (loadDeploymentConfig leaves it out when the file has no `api` section)
   */
  readonly api?: ApiDefinition;
  /**
   * Machine clients: certificate-bound client_credentials tokens (see stacks/machine-client-config.ts).
   * @default none (loadDeploymentConfig leaves it out when the file has no `machineClients`)
   */
  readonly machineClients?: readonly MachineClientDefinition[];
  /** Synthesized for `npm run local` (see CertBoundApiStackProps.localRun); never read from the file. @default false */
  readonly localRun?: boolean;
}

export { DeploymentConfigError };

/** Per-environment defaults: short retention and the admin test flow in dev; in prod long retention, no admin flow, and a user pool that cannot be deleted by accident. */
const ENVIRONMENT_DEFAULTS: Record<string, { logRetentionDays: number; enableAdminPasswordAuth: boolean; ephemeral: boolean; enableUserPasswordAuth: boolean }> = {
  // Password sign-in from the internet (USER_PASSWORD_AUTH) is opt-in everywhere; the admin flow needs the operator's IAM credentials.
  dev: { logRetentionDays: 14, enableAdminPasswordAuth: true, ephemeral: true, enableUserPasswordAuth: false },
  prod: { logRetentionDays: 365, enableAdminPasswordAuth: false, ephemeral: false, enableUserPasswordAuth: false },
};
const OTHER_ENVIRONMENT_DEFAULTS = { logRetentionDays: 30, enableAdminPasswordAuth: false, ephemeral: false, enableUserPasswordAuth: false };

const ENVIRONMENT_NAME = /^[a-z][a-z0-9]{0,9}$/;
const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

export interface LoadOptions {
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** @default CBAT_CONFIG, else cbat.config.json at the project root if it exists */
  readonly configFile?: string;
}

export function loadDeploymentConfig(options: LoadOptions = {}): DeploymentConfig {
  const env = options.env ?? process.env;
  const fileName = options.configFile ?? env.CBAT_CONFIG ?? DEFAULT_CONFIG_FILE;
  const file = readConfigFile(fileName, options.configFile !== undefined || env.CBAT_CONFIG !== undefined);
  const shownName = relative(process.cwd(), fileName) || fileName;
  const where = (key: string) => `${shownName}: ${key}`;

  const environments = env.CBAT_ENVIRONMENTS !== undefined
    ? parseEnvironments(env.CBAT_ENVIRONMENTS.split(",").map((s) => s.trim()).filter(Boolean), () => "CBAT_ENVIRONMENTS")
    : parseEnvironments(file.environments ?? [], (i) => where(`environments[${i}]`));

  const fileBackend = (file.backend ?? {}) as Record<string, unknown>;
  const pick = (envName: string, key: string): { value: unknown; setting: string } => {
    if (env[envName] !== undefined) return { value: env[envName], setting: envName };
    if (fileBackend[key] !== undefined) return { value: fileBackend[key], setting: where(`backend.${key}`) };
    return { value: undefined, setting: `${envName} (or backend.${key} in ${shownName})` };
  };
  const type = pick("CBAT_BACKEND", "type");
  const backend = parseBackend(type.value ?? "local", type.setting, pick);
  // Without an api (or machineClients) section the result stays as before; the stack then serves the built-in API.
  const configDir = dirname(resolve(fileName));
  const api = file.api === undefined ? undefined : parseApi(file.api, configDir, where);
  const machineClients = file.machineClients === undefined ? undefined : readMachineClients(file.machineClients, configDir, api?.resourceServer ?? DEFAULT_RESOURCE_SERVER, where);
  return { environments, backend, ...(api ? { api } : {}), ...(machineClients ? { machineClients } : {}) };
}

function readMachineClients(section: unknown, configDir: string, resourceServer: string, where: (key: string) => string): MachineClientDefinition[] {
  try {
    return parseMachineClients(section, configDir, resourceServer, where);
  } catch (error) {
    if (error instanceof MachineClientConfigError) throw new DeploymentConfigError(error.setting, error.problem);
    throw error;
  }
}

function readConfigFile(fileName: string, mustExist: boolean): Record<string, unknown> {
  if (!existsSync(fileName)) {
    if (mustExist) throw new DeploymentConfigError(fileName, "config file not found (CBAT_CONFIG names a file that does not exist)");
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(fileName, "utf8"));
  } catch (error) {
    throw new DeploymentConfigError(fileName, `not valid JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new DeploymentConfigError(fileName, 'must be a JSON object such as {"environments": ["dev", "prod"], "backend": {"type": "local"}}');
  }
  const unknown = Object.keys(parsed).filter((k) => !CONFIG_KEYS.includes(k) && k !== "$comment");
  if (unknown.length > 0) throw new DeploymentConfigError(fileName, `unknown setting(s) ${unknown.join(", ")}; allowed: ${CONFIG_KEYS.join(", ")}`);
  return parsed as Record<string, unknown>;
}

const CONFIG_KEYS = ["environments", "backend", "api", "machineClients"];
const API_KEYS = ["openapi", "groupScopes", "resourceServer", "quotas", "handlersDir", "localIntegrations"];
/** `api.handlersDir` when not set: handlers/ next to the config file. */
export const DEFAULT_HANDLERS_DIR = "handlers";

/** `api.openapi` and `api.handlersDir` (relative to the config file), `api.groupScopes`, `api.resourceServer`, `api.quotas` and `api.localIntegrations`, read and validated. */
function parseApi(section: unknown, configDir: string, where: (key: string) => string): ApiDefinition {
  const api = parseApiDocumentSettings(section, configDir, where);
  const local = (section as Record<string, unknown>).localIntegrations;
  const localIntegrations = local === undefined ? {} : { localIntegrations: parseLocalIntegrations(local, api.routes, where("api.localIntegrations")) };
  try {
    return { ...api, ...localIntegrations, quotas: parseQuotaSettings((section as Record<string, unknown>).quotas, where("api.quotas")) };
  } catch (error) {
    if (error instanceof QuotaSettingsError) throw new DeploymentConfigError(error.setting, error.problem);
    throw error;
  }
}

function parseApiDocumentSettings(section: unknown, configDir: string, where: (key: string) => string): ApiDefinition {
  if (!isObject(section)) throw new DeploymentConfigError(where("api"), 'must be an object such as {"openapi": "api/openapi.yaml", "groupScopes": {"readers": ["accounts:read"]}}');
  const unknown = Object.keys(section).filter((k) => !API_KEYS.includes(k));
  if (unknown.length > 0) throw new DeploymentConfigError(where("api"), `unknown setting(s) ${unknown.join(", ")}; allowed: ${API_KEYS.join(", ")}`);
  const groupScopes = section.groupScopes ?? {};
  if (!isObject(groupScopes)) throw new DeploymentConfigError(where("api.groupScopes"), 'must map Cognito group names to scope lists, e.g. {"readers": ["accounts:read"]}');
  try {
    const options = { resourceServer: section.resourceServer as string | undefined };
    if (section.openapi === undefined) {
      if (section.handlersDir !== undefined) throw new DeploymentConfigError(where("api.handlersDir"), "is used only with api.openapi (the built-in API has its own handler); set api.openapi or remove api.handlersDir");
      return builtInApi(groupScopes as Record<string, string[]>, options);
    }
    const handlersDir = section.handlersDir ?? DEFAULT_HANDLERS_DIR;
    if (typeof handlersDir !== "string" || handlersDir === "") throw new DeploymentConfigError(where("api.handlersDir"), 'must be the folder of your x-cbat-handler sources (<name>.ts), relative to the config file, e.g. "handlers"');
    if (typeof section.openapi !== "string" || section.openapi === "") throw new DeploymentConfigError(where("api.openapi"), "must be the path of an OpenAPI 3.0 document (YAML or JSON), relative to the config file");
    const file = resolve(configDir, section.openapi);
    return loadApiDocument(relative(process.cwd(), file) || file, groupScopes as Record<string, string[]>, { ...options, handlersDir: resolve(configDir, handlersDir) });
  } catch (error) {
    if (error instanceof ApiDocumentError) throw new DeploymentConfigError(where("api"), error.message);
    throw error;
  }
}

function parseEnvironments(entries: unknown, settingOf: (index: number) => string): EnvironmentSettings[] {
  if (!Array.isArray(entries)) throw new DeploymentConfigError(settingOf(0).replace(/\[0\]$/, ""), "must be a list of environment names");
  const seen = new Set<string>();
  const parsed = entries.map((entry, index): EnvironmentSettings => {
    const setting = settingOf(index);
    const spec = typeof entry === "string" ? { name: entry } : (entry as Record<string, unknown>);
    if (spec === null || typeof spec !== "object") throw new DeploymentConfigError(setting, 'must be a name or {"name": …}');
    const name = spec.name;
    if (typeof name !== "string" || !ENVIRONMENT_NAME.test(name)) {
      throw new DeploymentConfigError(setting, `environment name ${JSON.stringify(name)} must be 1-10 lowercase letters or digits, starting with a letter (e.g. dev, prod)`);
    }
    if (seen.has(name)) throw new DeploymentConfigError(setting, `environment "${name}" is listed twice`);
    seen.add(name);
    const defaults = ENVIRONMENT_DEFAULTS[name] ?? OTHER_ENVIRONMENT_DEFAULTS;
    const logRetentionDays = spec.logRetentionDays ?? defaults.logRetentionDays;
    if (typeof logRetentionDays !== "number" || !LOG_RETENTION_DAYS.includes(logRetentionDays)) {
      throw new DeploymentConfigError(`${setting}.logRetentionDays`, `must be one of ${LOG_RETENTION_DAYS.join(", ")}`);
    }
    const enableAdminPasswordAuth = spec.enableAdminPasswordAuth ?? defaults.enableAdminPasswordAuth;
    if (typeof enableAdminPasswordAuth !== "boolean") throw new DeploymentConfigError(`${setting}.enableAdminPasswordAuth`, "must be true or false");
    const ephemeral = spec.ephemeral ?? defaults.ephemeral;
    if (typeof ephemeral !== "boolean") throw new DeploymentConfigError(`${setting}.ephemeral`, "must be true or false");
    const enableUserPasswordAuth = spec.enableUserPasswordAuth ?? defaults.enableUserPasswordAuth;
    if (typeof enableUserPasswordAuth !== "boolean") throw new DeploymentConfigError(`${setting}.enableUserPasswordAuth`, "must be true or false");
    const userPoolDeletionProtection = spec.userPoolDeletionProtection ?? !ephemeral;
    if (typeof userPoolDeletionProtection !== "boolean") throw new DeploymentConfigError(`${setting}.userPoolDeletionProtection`, "must be true or false");
    const awsAccountId = optionalText(spec.awsAccountId, `${setting}.awsAccountId`, /^\d{12}$/, "an AWS account id (12 digits)");
    const awsRegion = optionalText(spec.awsRegion, `${setting}.awsRegion`, REGION, 'a region such as "eu-west-1"');
    const manageApiGatewayAccount = spec.manageApiGatewayAccount;
    if (manageApiGatewayAccount !== undefined && typeof manageApiGatewayAccount !== "boolean") throw new DeploymentConfigError(`${setting}.manageApiGatewayAccount`, "must be true or false");
    return { name, logRetentionDays, enableAdminPasswordAuth, userPoolDeletionProtection, ephemeral, enableUserPasswordAuth, manageApiGatewayAccount, ...(awsAccountId ? { awsAccountId } : {}), ...(awsRegion ? { awsRegion } : {}) };
  });
  return withApiGatewayAccountOwner(parsed, settingOf);
}

function optionalText(value: unknown, setting: string, pattern: RegExp, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !pattern.test(value)) throw new DeploymentConfigError(setting, `must be ${what}`);
  return value;
}

/**
 * aws_api_gateway_account is one setting per account and region: two stacks that both manage it
 * overwrite each other's logging role, and destroying one resets it for the other. So exactly one
 * environment per account and region may manage it: by default the only one, else `prod`, else the
 * first listed. Two that manage it are refused unless their awsAccountId or awsRegion say they differ.
 */
function withApiGatewayAccountOwner(environments: EnvironmentSettings[], settingOf: (index: number) => string): EnvironmentSettings[] {
  const owner = environments.find((e) => e.name === "prod") ?? environments[0];
  const resolved = environments.map((e) => ({ ...e, manageApiGatewayAccount: e.manageApiGatewayAccount ?? e === owner }));
  const differ = (a?: string, b?: string) => a !== undefined && b !== undefined && a !== b;
  resolved.forEach((a, i) => resolved.slice(0, i).forEach((b) => {
    if (a.manageApiGatewayAccount && b.manageApiGatewayAccount && !differ(a.awsAccountId, b.awsAccountId) && !differ(a.awsRegion, b.awsRegion)) {
      throw new DeploymentConfigError(`${settingOf(i)}.manageApiGatewayAccount`,
        `environments "${b.name}" and "${a.name}" would both manage API Gateway's account setting (its CloudWatch logging role; one per account and region): they would overwrite each other's role, and destroying one would cut the other's access logs. Set "manageApiGatewayAccount": false on all but one, or give them different "awsAccountId" or "awsRegion"`);
    }
  }));
  return resolved;
}

type Pick = (envName: string, key: string) => { value: unknown; setting: string };

function parseBackend(type: unknown, setting: string, pick: Pick): BackendSettings {
  const text = (envName: string, key: string, pattern: RegExp | undefined, allowed: string, fallback?: string): string => {
    const { value, setting: where } = pick(envName, key);
    const result = value ?? fallback;
    if (typeof result !== "string" || result === "" || (pattern && !pattern.test(result))) {
      throw new DeploymentConfigError(where, `${result === undefined ? "is required" : `${JSON.stringify(result)} is invalid`} for the ${String(type)} backend; ${allowed}`);
    }
    return result;
  };
  switch (type) {
    case "local":
      return { type };
    case "s3":
      return {
        type,
        bucket: text("CBAT_STATE_BUCKET", "bucket", S3_BUCKET, "an S3 bucket name (3-63 lowercase letters, digits, '.', '-')"),
        region: text("CBAT_STATE_REGION", "region", REGION, 'a region such as "eu-west-1"'),
        keyPrefix: text("CBAT_STATE_KEY_PREFIX", "keyPrefix", /^[A-Za-z0-9!_.*'()/-]*\/$/, 'a key prefix ending in "/", e.g. "cert-bound-access-tokens/"', "cert-bound-access-tokens/"),
      };
    case "cloud": {
      const organization = text("CBAT_TFC_ORGANIZATION", "organization", undefined, "your HCP Terraform organization");
      const hostname = text("CBAT_TFC_HOSTNAME", "hostname", /^[a-z0-9.-]+$/, 'a hostname such as "app.terraform.io"', "app.terraform.io");
      const workspace = pick("CBAT_TFC_WORKSPACE", "workspace");
      const tags = pick("CBAT_TFC_WORKSPACE_TAGS", "workspaceTags");
      const tagList = typeof tags.value === "string" ? tags.value.split(",").map((t) => t.trim()).filter(Boolean) : tags.value;
      if ((workspace.value === undefined) === (tagList === undefined)) {
        throw new DeploymentConfigError(`${workspace.setting} / ${tags.setting}`, "set exactly one: a workspace name, or workspace tags (comma-separated)");
      }
      if (workspace.value !== undefined) {
        if (typeof workspace.value !== "string" || !/^[A-Za-z0-9_-]{1,90}$/.test(workspace.value)) {
          throw new DeploymentConfigError(workspace.setting, "must be a workspace name: letters, digits, '-' or '_'");
        }
        return { type, organization, hostname, workspace: workspace.value };
      }
      if (!Array.isArray(tagList) || tagList.length === 0 || !tagList.every((t) => typeof t === "string" && /^[a-z0-9:_-]+$/.test(t))) {
        throw new DeploymentConfigError(tags.setting, "must be one or more lowercase tags (letters, digits, ':', '_', '-')");
      }
      return { type, organization, hostname, workspaceTags: tagList as string[] };
    }
    default:
      throw new DeploymentConfigError(setting, `unknown backend ${JSON.stringify(type)}; allowed: ${BACKEND_TYPES.join(", ")}`);
  }
}
