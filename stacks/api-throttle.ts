/**
 * `x-cbat-throttle` of an API document operation: its own rate and burst limits, overriding the
 * stage-wide `throttling_rate_limit` / `throttling_burst_limit` for that method only.
 */
import { ApiDocumentError } from "./api-document-error";

export const THROTTLE_EXTENSION = "x-cbat-throttle";

export interface ApiThrottle {
  /** Steady-state requests per second (may be fractional, e.g. 0.5). */
  readonly rateLimit: number;
  /** Requests allowed in a burst (whole number). */
  readonly burstLimit: number;
}

/** API Gateway's default account limits: an operation cannot be allowed more than the account. */
const MAX_RATE = 10000;
const MAX_BURST = 5000;

/** The operation's throttle, or undefined without the extension; `where` prefixes the error. */
export function throttleOf(operation: Record<string, unknown>, path: string, where: string): ApiThrottle | undefined {
  const value = operation[THROTTLE_EXTENSION];
  if (value === undefined) return undefined;
  const at = `${where}: ${THROTTLE_EXTENSION}`;
  const example = `${THROTTLE_EXTENSION}: { rateLimit: 10, burstLimit: 20 }`;
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new ApiDocumentError(`${at} must be an object such as ${example}`);
  const { rateLimit, burstLimit, ...other } = value as Record<string, unknown>;
  const unknown = Object.keys(other);
  if (unknown.length > 0) throw new ApiDocumentError(`${at}: unknown field ${unknown.map((k) => JSON.stringify(k)).join(", ")}; only rateLimit and burstLimit (${example})`);
  if (typeof rateLimit !== "number" || !Number.isFinite(rateLimit) || rateLimit <= 0 || rateLimit > MAX_RATE) {
    throw new ApiDocumentError(`${at}: rateLimit must be requests per second above 0 and at most ${MAX_RATE}, got ${JSON.stringify(rateLimit ?? null)} (${example})`);
  }
  if (typeof burstLimit !== "number" || !Number.isInteger(burstLimit) || burstLimit < 1 || burstLimit > MAX_BURST) {
    throw new ApiDocumentError(`${at}: burstLimit must be a whole number of requests from 1 to ${MAX_BURST}, got ${JSON.stringify(burstLimit ?? null)} (${example})`);
  }
  // The method settings of the root resource have no documented method path; the stage-wide limits apply there.
  if (path === "/") throw new ApiDocumentError(`${at}: not supported on the root path "/"; the stage-wide throttling_rate_limit and throttling_burst_limit apply to it`);
  return { rateLimit, burstLimit };
}

/** `{ throttle }` for an ApiRoute; no key without the extension, so existing documents keep their digest (no redeployment). */
export function throttleField(operation: Record<string, unknown>, path: string, where: string): { throttle?: ApiThrottle } {
  const throttle = throttleOf(operation, path, where);
  return throttle ? { throttle } : {};
}

/**
 * `aws_api_gateway_method_settings.method_path` of a route, as API Gateway keys its method
 * settings: the resource path with every "/" written "~1" (JSON Pointer), then the method:
 * `PUT /accounts/{id}` → `~1accounts~1{id}/PUT`. Unescaped (`accounts/{id}/PUT`), UpdateStage
 * stores the setting under a key that matches no method, so the limits would silently not apply.
 * Path segments cannot contain "~" (api-paths.ts), so "~0" is never needed.
 */
export function methodPathOf(route: { readonly method: string; readonly path: string }): string {
  return `${route.path.replace(/\//g, "~1")}/${route.method}`;
}
