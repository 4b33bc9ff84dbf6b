/**
 * `cbat token --client-credentials`: a machine client's access token from the pool domain's
 * OAuth token endpoint (OAuth client_credentials, HTTP Basic client authentication), on AWS
 * (`token_endpoint` output) and locally (`.local/stack.json`). The client id and secret come
 * from flags or the environment (CBAT_CLIENT_ID, CBAT_CLIENT_SECRET), or by name from the
 * outputs (`--machine-client`; locally the secret too); the secret otherwise from a prompt.
 * Only the token goes to stdout; no secret is ever printed.
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { UsageError, UserError } from "./errors";
import { secretFrom } from "./secrets";

export interface ClientCredentialsOptions {
  readonly clientCredentials?: boolean;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly machineClient?: string;
  readonly scope?: string;
  readonly tokenEndpoint?: string;
  readonly outputs?: string;
  readonly claims?: boolean;
}

/** Adds the client-credentials options to the `token` command. */
export function withClientCredentials(command: Command): Command {
  return command
    .option("--client-credentials", "a machine client's token (OAuth client_credentials) instead of a user's; --client-id is then the machine client's")
    .option("--client-secret <secret>", "machine client secret (better: CBAT_CLIENT_SECRET, or the prompt)")
    .option("--machine-client <name>", "the machine client's name in --outputs (machine_client_ids, or machineClients of .local/stack.json); default: the only one there")
    .option("--scope <scopes>", "space-separated scopes to ask for (default: all of the client's)")
    .option("--token-endpoint <url>", "OAuth token endpoint (default: token_endpoint in --outputs)")
    .addHelpText("after", "\nMachine client (client_credentials):\n  cbat token --client-credentials --outputs outputs.json --machine-client partner-a --scope accounts/read   # secret from CBAT_CLIENT_SECRET\n  cbat token --client-credentials --outputs .local/stack.json --machine-client demo-machine --claims");
}

/** Prints the access token (stdout) and, with --claims, its decoded claims (stderr). */
export async function printClientCredentialsToken(options: ClientCredentialsOptions): Promise<void> {
  const outputs = options.outputs ? readOutputs(options.outputs) : undefined;
  const endpoint = options.tokenEndpoint ?? outputs?.tokenEndpoint;
  if (!endpoint) throw new UserError("no token endpoint: pass --token-endpoint, or --outputs with the stack outputs (token_endpoint: the stack needs machineClients) or .local/stack.json");
  if (!/^https:\/\/|^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?\//.test(endpoint)) throw new UsageError(`--token-endpoint must be an https:// URL (http:// only to a loopback host), got ${JSON.stringify(endpoint.slice(0, 100))}`);
  // By name; or, when nothing names a client and the outputs list exactly one (locally: demo-machine), that one.
  const unnamed = options.clientId === undefined && process.env.CBAT_CLIENT_ID === undefined && outputs?.clients.length === 1 ? outputs.clients[0] : undefined;
  const named = options.machineClient === undefined ? unnamed : outputs?.clients.find((c) => c.name === options.machineClient);
  if (options.machineClient !== undefined && !named) {
    throw new UserError(`no machine client "${options.machineClient.slice(0, 64)}" in ${options.outputs ?? "the outputs (pass --outputs)"}${outputs?.clients.length ? `; there are: ${outputs.clients.map((c) => c.name).join(", ")}` : ""}`);
  }
  const clientId = options.clientId ?? named?.clientId ?? process.env.CBAT_CLIENT_ID;
  if (!clientId) throw new UserError("no client id: pass --client-id or --machine-client (with --outputs), or set CBAT_CLIENT_ID");
  const secret = options.clientSecret ?? (named?.clientId === clientId ? named.clientSecret : undefined) ?? (await secretFrom(undefined, "CBAT_CLIENT_SECRET", "Client secret: "));
  const token = await requestToken(endpoint, clientId, secret, options.scope);
  if (options.claims) process.stderr.write(`${JSON.stringify(JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8")), null, 2)}\n`);
  process.stdout.write(`${token}\n`);
}

async function requestToken(endpoint: string, clientId: string, secret: string, scope: string | undefined): Promise<string> {
  const body = new URLSearchParams({ grant_type: "client_credentials", ...(scope ? { scope } : {}) });
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString("base64")}` },
      body,
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    throw new UserError(`cannot reach the token endpoint ${endpoint} (${cause}); is \`npm run local\` running, or the domain (user_pool_domain_prefix) deployed?`);
  }
  const text = await response.text();
  let answer: Record<string, unknown> = {};
  try {
    answer = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // described below by the status
  }
  if (response.ok && typeof answer.access_token === "string") return answer.access_token;
  const error = typeof answer.error === "string" ? `${answer.error}${typeof answer.error_description === "string" ? `: ${answer.error_description}` : ""}` : `HTTP ${response.status}`;
  throw new UserError(`the token endpoint refused: ${error.slice(0, 500)}`);
}

interface OutputsFile {
  readonly tokenEndpoint?: string;
  readonly clients: ReadonlyArray<{ readonly name: string; readonly clientId: string; readonly clientSecret?: string }>;
}

/** The token endpoint and machine clients of `.local/stack.json`, `terraform output -json` or `cdktf output --outputs-file`. */
function readOutputs(file: string): OutputsFile {
  let json: any;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UserError(`${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : "not a JSON outputs file"}`);
  }
  if (json && typeof json.tokenEndpoint === "string") return { tokenEndpoint: json.tokenEndpoint, clients: Array.isArray(json.machineClients) ? json.machineClients : [] };
  const value = (entry: any) => (entry && typeof entry === "object" && "value" in entry ? entry.value : entry);
  const stacks = json && typeof json === "object" && "user_pool_id" in json ? [json] : Object.values<any>(json ?? {}).filter((s) => s && typeof s === "object" && "user_pool_id" in s);
  if (stacks.length !== 1) throw new UserError(`${file}: ${stacks.length === 0 ? "no stack outputs found" : `outputs of ${stacks.length} stacks; pass --token-endpoint and --client-id`}`);
  const ids = value(stacks[0].machine_client_ids) ?? {};
  return { tokenEndpoint: value(stacks[0].token_endpoint), clients: Object.entries<string>(ids).map(([name, clientId]) => ({ name, clientId })) };
}
