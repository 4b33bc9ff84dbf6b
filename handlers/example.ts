/**
 * The protected example function behind `GET /example`: echoes the proxy event,
 * like the original sample, with the Authorization header redacted so the response
 * body never carries the bearer token.
 */
const REDACTED = "[REDACTED]";

export interface ProxyResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export const handler = async (event: Record<string, unknown>): Promise<ProxyResult> => ({
  statusCode: 200,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ message: "Hello from the example function!", event: redactAuthorization(event) }),
});

function redactAuthorization(event: Record<string, unknown>): Record<string, unknown> {
  if (!event || typeof event !== "object") return {};
  return {
    ...event,
    headers: redactIn(event.headers, () => REDACTED),
    multiValueHeaders: redactIn(event.multiValueHeaders, (v) => (Array.isArray(v) ? v.map(() => REDACTED) : REDACTED)),
  };
}

function redactIn(map: unknown, redact: (value: unknown) => unknown): unknown {
  if (map === null || typeof map !== "object") return map;
  return Object.fromEntries(
    Object.entries(map).map(([name, value]) => [name, name.toLowerCase() === "authorization" && value != null ? redact(value) : value]),
  );
}
