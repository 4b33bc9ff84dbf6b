/**
 * `GET /hello` and `POST /greetings` (x-cbat-handler: hello). It runs only after the authorizer
 * has checked the token, its binding to the caller's certificate and the route's scopes; the
 * authorizer's context says who called.
 */
interface ProxyEvent {
  readonly httpMethod: string;
  readonly resource: string;
  readonly body: string | null;
  readonly requestContext: { readonly authorizer?: Readonly<Record<string, unknown>> };
}

export async function handler(event: ProxyEvent): Promise<{ statusCode: number; headers: Record<string, string>; body: string }> {
  const caller = event.requestContext.authorizer ?? {};
  return {
    statusCode: 200,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message: `hello from ${event.httpMethod} ${event.resource}`, caller: caller.principalId ?? null }),
  };
}
