/** One HTTPS request with a client certificate (mutual TLS). */
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { UserError } from "./errors";

export interface HttpsResult {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

export interface MtlsRequest {
  readonly url: string;
  /** Files: client certificate, its key, and the CA bundle that signed the server's certificate. */
  readonly cert?: string;
  readonly key?: string;
  readonly ca?: string;
  readonly headers?: Record<string, string>;
  readonly method?: string;
}

function readFileFor(option: string, file: string | undefined): Buffer | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(file);
  } catch {
    throw new UserError(`${option} ${file}: file not found or unreadable`);
  }
}

/** Resolves with the response; rejects when the TLS handshake or the connection fails. */
export function mtlsRequest(options: MtlsRequest): Promise<HttpsResult> {
  const tls = { ca: readFileFor("--cacert", options.ca), cert: readFileFor("--cert", options.cert), key: readFileFor("--key", options.key) };
  return new Promise((resolve, reject) => {
    const req = request(options.url, { method: options.method ?? "GET", ...tls, headers: options.headers, agent: false, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timed out after 30 s")));
    req.on("error", reject);
    req.end();
  });
}
