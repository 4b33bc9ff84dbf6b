/**
 * `cbat token --mtls --cert C --key K [--client-id ID]`: a machine client's access token from the
 * stack's mTLS token endpoint (RFC 8705 §2), authenticated by its certificate alone: no secret.
 * The endpoint and the client come from flags or from --outputs (`mtls_token_endpoint` and
 * `machine_client_ids` of the stack outputs; locally `.local/stack.json`, whose demo-mtls client is
 * the default). Only the token goes to stdout.
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { UsageError, UserError } from "./errors";
import { mtlsRequest, RequestFailedError } from "./https-call";
import { explainRequestError } from "./network-errors";

export interface MtlsTokenOptions {
  readonly mtls?: boolean;
  readonly cert?: string;
  readonly key?: string;
  readonly cacert?: string;
  readonly clientId?: string;
  readonly machineClient?: string;
  readonly scope?: string;
  readonly tokenEndpoint?: string;
  readonly outputs?: string;
  readonly claims?: boolean;
  readonly timeout?: number;
}

/** Adds --mtls and its certificate options to the `token` command (--client-id, --scope, --outputs… are shared). */
export function withMtlsToken(command: Command): Command {
  return command
    .option("--mtls", "a machine client's token from the stack's mTLS token endpoint, authenticated by --cert/--key alone (RFC 8705; no secret)")
    .option("--cert <file>", "--mtls: the client certificate (PEM)")
    .option("--key <file>", "--mtls: its private key (PEM)")
    .option("--cacert <file>", "--mtls: CA bundle of the server's certificate (locally .local/pki/ca.pem)")
    .addHelpText("after", "\nWith the certificate alone (mTLS token endpoint):\n  cbat token --mtls --cert partner-a.pem --key partner-a-key.pem --outputs outputs.json --machine-client partner-a\n  cbat token --mtls --cert .local/pki/machine.pem --key .local/pki/machine-key.pem --cacert .local/pki/ca.pem --outputs .local/stack.json --claims");
}

export async function printMtlsToken(options: MtlsTokenOptions): Promise<void> {
  if (!options.cert || !options.key) throw new UsageError("--mtls needs --cert and --key: the client certificate authenticates the client");
  const outputs = options.outputs ? readMtlsOutputs(options.outputs) : undefined;
  const endpoint = options.tokenEndpoint ?? outputs?.endpoint;
  if (!endpoint) throw new UserError("no mTLS token endpoint: pass --token-endpoint https://<custom domain>/oauth2/token, or --outputs with the stack outputs (mtls_token_endpoint: the stack needs machineClients) or .local/stack.json");
  if (!/^https:\/\//.test(endpoint)) throw new UsageError(`--token-endpoint must be an https:// URL (mutual TLS), got ${JSON.stringify(endpoint.slice(0, 100))}`);
  const named = options.machineClient === undefined ? undefined : outputs?.clients[options.machineClient];
  if (options.machineClient !== undefined && !named) throw new UserError(`no machine client "${options.machineClient.slice(0, 64)}" in ${options.outputs ?? "the outputs (pass --outputs)"}`);
  const clientId = options.clientId ?? named ?? process.env.CBAT_CLIENT_ID ?? outputs?.defaultClient;
  if (!clientId) throw new UserError("no client id: pass --client-id, or --machine-client with --outputs, or set CBAT_CLIENT_ID");
  const target = new URL(endpoint);
  let response;
  try {
    response = await mtlsRequest({
      url: endpoint, method: "POST", cert: options.cert, key: options.key, ca: options.cacert, timeoutSeconds: options.timeout,
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, ...(options.scope ? { scope: options.scope } : {}) }).toString(),
    });
  } catch (error) {
    if (!(error instanceof RequestFailedError)) throw error;
    const place = { host: target.hostname, port: Number(target.port) || 443, service: "api", timeoutSeconds: options.timeout ?? 30 } as const;
    throw explainRequestError(error.cause, place, error.stage) ?? new UserError(`request to ${target.host} failed before any HTTP answer: ${error.message}`);
  }
  let answer: Record<string, unknown> = {};
  try {
    answer = JSON.parse(response.body) as Record<string, unknown>;
  } catch {
    // described below by the status
  }
  if (response.status !== 200 || typeof answer.access_token !== "string") {
    const error = typeof answer.error === "string" ? `${answer.error}${typeof answer.error_description === "string" ? `: ${answer.error_description}` : ""}` : `HTTP ${response.status}`;
    const hint = answer.error === "invalid_client" ? " (is --client-id the client this certificate is registered for, by its subject DN or fingerprint, and is it unrevoked?)" : "";
    throw new UserError(`the mTLS token endpoint refused: ${error.slice(0, 500)}${hint}`);
  }
  if (options.claims) process.stderr.write(`${JSON.stringify(JSON.parse(Buffer.from(answer.access_token.split(".")[1], "base64url").toString("utf8")), null, 2)}\n`);
  process.stdout.write(`${answer.access_token}\n`);
}

interface MtlsOutputs {
  readonly endpoint?: string;
  readonly clients: Readonly<Record<string, string>>;
  readonly defaultClient?: string;
}

/** mtls_token_endpoint and machine_client_ids of the stack outputs, or mtlsTokenEndpoint and mtlsClients of .local/stack.json. */
function readMtlsOutputs(file: string): MtlsOutputs {
  let json: any;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UserError(`${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : "not a JSON outputs file"}`);
  }
  if (json && typeof json.mtlsTokenEndpoint === "string") {
    const clients = [...(json.mtlsClients ?? []), ...(json.machineClients ?? [])] as Array<{ name: string; clientId: string }>;
    return { endpoint: json.mtlsTokenEndpoint, clients: Object.fromEntries(clients.map((c) => [c.name, c.clientId])), defaultClient: json.mtlsClients?.[0]?.clientId };
  }
  const value = (entry: any) => (entry && typeof entry === "object" && "value" in entry ? entry.value : entry);
  const stacks = json && typeof json === "object" && "user_pool_id" in json ? [json] : Object.values<any>(json ?? {}).filter((s) => s && typeof s === "object" && "user_pool_id" in s);
  if (stacks.length !== 1) throw new UserError(`${file}: ${stacks.length === 0 ? "no stack outputs found" : `outputs of ${stacks.length} stacks; pass --token-endpoint and --client-id`}`);
  const ids: Record<string, string> = value(stacks[0].machine_client_ids) ?? {};
  return { endpoint: value(stacks[0].mtls_token_endpoint), clients: ids, defaultClient: Object.keys(ids).length === 1 ? Object.values(ids)[0] : undefined };
}
