/**
 * Example backend of the accounts routes in examples/accounts-api.yaml: GET, PUT and POST of
 * an account, kept in memory per container (a stand-in for your service). It trusts the
 * gateway: every request reaching it carried a token bound to the caller's certificate and
 * the route's scopes; the authorizer's context says who called.
 */
export interface ProxyResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

interface Account {
  readonly id: string;
  readonly name: string;
  readonly updatedBy: string;
}

const accounts = new Map<string, Account>();
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_NAME = 200;

export const handler = async (event: Record<string, any>): Promise<ProxyResult> => {
  const caller = String(event?.requestContext?.authorizer?.sub ?? "unknown");
  const method = event?.httpMethod;
  if (method === "POST" && event?.resource === "/accounts") {
    const name = nameOf(event.body);
    if (name === undefined) return json(400, { message: `body must be {"name": "<1-${MAX_NAME} characters>"}` });
    const account = { id: `acc-${accounts.size + 1}`, name, updatedBy: caller };
    accounts.set(account.id, account);
    return json(201, account);
  }
  const id = event?.pathParameters?.id;
  if (typeof id !== "string" || !ID.test(id)) return json(400, { message: "account id must be 1-64 letters, digits, '-' or '_'" });
  if (method === "GET") return json(200, accounts.get(id) ?? { id, name: `Account ${id}`, updatedBy: null });
  if (method === "PUT") {
    const name = nameOf(event.body);
    if (name === undefined) return json(400, { message: `body must be {"name": "<1-${MAX_NAME} characters>"}` });
    const account = { id, name, updatedBy: caller };
    accounts.set(id, account);
    return json(200, account);
  }
  return json(405, { message: `${String(method).slice(0, 10)} is not served here` });
};

function nameOf(body: unknown): string | undefined {
  try {
    const name = JSON.parse(String(body ?? ""))?.name;
    return typeof name === "string" && name.length > 0 && name.length <= MAX_NAME ? name : undefined;
  } catch {
    return undefined;
  }
}

function json(statusCode: number, body: unknown): ProxyResult {
  return { statusCode, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}
