/** Reads a request body up to a size limit. */
import type { IncomingMessage } from "node:http";

export class BodyTooLargeError extends Error {}

/**
 * Past the limit the body is refused (BodyTooLargeError) but still drained, up to 64 times the
 * limit, so the caller's error answer (a 400 `invalid_request`, a 413) reaches the client instead
 * of a connection reset; a client that sends more than that has its connection closed.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
      else if (chunks.length > 0 || size - chunk.length <= maxBytes) {
        chunks.length = 0;
        reject(new BodyTooLargeError(`request body larger than ${maxBytes} bytes`));
      } else if (size > maxBytes * 64) req.destroy();
    });
    req.on("end", () => (size <= maxBytes ? resolve(Buffer.concat(chunks)) : undefined));
    req.on("error", reject);
  });
}
