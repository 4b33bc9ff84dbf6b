/** Real clients for tests against the local gateway: Node's https (the CLI's own request code) and curl. */
import { execFile } from "node:child_process";

export { mtlsRequest, type HttpsResult, type MtlsRequest } from "../../cli/https-call";

export interface CurlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs curl asynchronously. (A synchronous spawn would block this process's event loop and
 * so deadlock against a server running in the same test process.)
 */
export function curl(args: readonly string[]): Promise<CurlResult> {
  return new Promise((resolve) => {
    execFile("curl", [...args], { encoding: "utf8", timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
