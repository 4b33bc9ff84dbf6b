/**
 * Where the CLI finds the user pool: flags, or an outputs file, in one of three forms:
 * `cdktf output --outputs-file` ({"<stack>": {"user_pool_id": …}}), `terraform output -json`
 * ({"user_pool_id": {"value": …}}), or the local environment's `.local/stack.json`.
 */
import { UserError } from "./errors";
import { readInputFile } from "./read-file";

export interface PoolSettings {
  readonly userPoolId?: string;
  readonly clientId?: string;
  readonly region?: string;
  /** Cognito endpoint override (the local issuer). */
  readonly endpoint?: string;
}

export interface PoolOptions {
  readonly userPoolId?: string;
  readonly clientId?: string;
  readonly region?: string;
  readonly endpoint?: string;
  readonly outputs?: string;
}

export function resolvePoolSettings(options: PoolOptions): PoolSettings {
  const fromFile = options.outputs ? readOutputs(options.outputs) : {};
  const userPoolId = options.userPoolId ?? fromFile.userPoolId;
  return {
    userPoolId,
    clientId: options.clientId ?? fromFile.clientId,
    // A pool id starts with its region (eu-west-1_AbC…).
    region: options.region ?? fromFile.region ?? userPoolId?.split("_")[0] ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION,
    endpoint: options.endpoint ?? fromFile.endpoint,
  };
}

/** @throws UserError naming what is missing and how to give it */
export function requireSetting(settings: PoolSettings, field: "userPoolId" | "clientId" | "region"): string {
  const value = settings[field];
  if (!value) {
    const flag = { userPoolId: "--user-pool-id", clientId: "--client-id", region: "--region" }[field];
    throw new UserError(`no ${field}: pass ${flag}, or --outputs with the stack outputs (cdktf output --outputs-file / terraform output -json) or .local/stack.json`);
  }
  return value;
}

function readOutputs(file: string): PoolSettings {
  const text = readInputFile(file, "--outputs").toString("utf8");
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UserError(`--outputs ${file}: not a JSON outputs file`);
  }
  if (json && typeof json.userPoolId === "string") {
    return { userPoolId: json.userPoolId, clientId: json.clientId, region: json.region, endpoint: json.issuerEndpoint };
  }
  const value = (entry: any) => (entry && typeof entry === "object" && "value" in entry ? entry.value : entry);
  if (json && "user_pool_id" in json) return { userPoolId: value(json.user_pool_id), clientId: value(json.user_pool_client_id) };
  const stacks = json && typeof json === "object" ? Object.values<any>(json).filter((s) => s && typeof s === "object" && "user_pool_id" in s) : [];
  if (stacks.length === 1) return { userPoolId: value(stacks[0].user_pool_id), clientId: value(stacks[0].user_pool_client_id) };
  if (stacks.length > 1) throw new UserError(`${file}: outputs of ${stacks.length} stacks; pass --user-pool-id and --client-id to choose one`);
  throw new UserError(`${file}: no user_pool_id output found (expected cdktf/terraform outputs or .local/stack.json)`);
}
