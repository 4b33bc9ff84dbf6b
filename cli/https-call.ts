/** One HTTPS request with a client certificate (mutual TLS). */
import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import { request } from "node:https";
import { UserError } from "./errors";
import type { RequestStage } from "./network-errors";
import { pemOf, readCertificates } from "./read-certificate";
import { readInputFile } from "./read-file";

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
  /** A request body (with its content-type among the headers). @default none */
  readonly body?: string;
  /** No answer within this time fails the request. @default 30 */
  readonly timeoutSeconds?: number;
}

/** The request got no HTTP answer; `stage` says how far the connection got. */
export class RequestFailedError extends Error {
  constructor(readonly cause: Error & { code?: string }, readonly stage: RequestStage) {
    super(cause.message);
  }
}

interface TlsFiles {
  readonly cert?: string;
  readonly key?: string;
  readonly ca?: string;
}

/**
 * Reads and checks the TLS files before any connection: certificates that parse, a private
 * key that parses and belongs to the certificate.
 * @throws UserError naming the option and the file
 */
export function readTlsFiles(options: Pick<MtlsRequest, "cert" | "key" | "ca">): TlsFiles {
  const certificates = options.cert === undefined ? undefined : readCertificates(options.cert, "--cert");
  const key = options.key === undefined ? undefined : readPrivateKey(options.key);
  if (certificates && key && !new X509Certificate(certificates[0]).checkPrivateKey(key)) {
    throw new UserError(`--key ${options.key} is not the private key of --cert ${options.cert}`, "pass the key file that was created with that certificate (e.g. client.pem with client-key.pem).");
  }
  return {
    cert: certificates && pemOf(certificates),
    key: key?.export({ format: "pem", type: "pkcs8" }) as string | undefined,
    ca: options.ca === undefined ? undefined : pemOf(readCertificates(options.ca, "--cacert")),
  };
}

function readPrivateKey(file: string): KeyObject {
  const bytes = readInputFile(file, "--key");
  try {
    return bytes[0] === 0x30 ? createPrivateKey({ key: bytes, format: "der", type: "pkcs8" }) : createPrivateKey(bytes);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_MISSING_PASSPHRASE") {
      throw new UserError(`--key ${file}: the key is encrypted`, `decrypt it first: openssl pkey -in ${file} -out ${file.replace(/\.pem$/, "")}-plain.pem`);
    }
    const swapped = bytes.toString("latin1").includes("BEGIN CERTIFICATE") ? "; it holds a certificate: are --cert and --key swapped?" : "";
    throw new UserError(`--key ${file}: not a private key (expected PEM "BEGIN PRIVATE KEY" or DER PKCS#8)${swapped}`);
  }
}

/**
 * Resolves with the response. Rejects with UserError for unusable files, and with
 * RequestFailedError when the connection or the TLS handshake fails or nothing answers.
 */
export function mtlsRequest(options: MtlsRequest): Promise<HttpsResult> {
  const tls = readTlsFiles(options);
  const timeoutSeconds = options.timeoutSeconds ?? 30;
  return new Promise((resolve, reject) => {
    let stage: RequestStage = "connecting";
    const req = request(options.url, { method: options.method ?? "GET", ...tls, headers: options.headers, agent: false, timeout: timeoutSeconds * 1000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("socket", (socket) => {
      socket.once("connect", () => (stage = "tls-handshake"));
      socket.once("secureConnect", () => (stage = "awaiting-response"));
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error(`no answer within ${timeoutSeconds} s`), { code: "ETIMEDOUT" })));
    req.on("error", (error) => reject(new RequestFailedError(error, stage)));
    req.end(options.body);
  });
}
