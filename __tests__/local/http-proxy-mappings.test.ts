/**
 * Issue 21, defect 4: the local gateway applies an HTTP_PROXY route's header and query string
 * mappings as API Gateway does, so a client cannot spoof a header the API fills from the
 * authorizer's context. Real loopback servers: a backend that echoes what it received, and a
 * front server whose requests go through proxyHttp.
 */
import { createServer, request, type IncomingMessage } from "node:http";
import { proxyHttp } from "../../local/http-proxy";
import type { RouteConfig } from "../../local/stack-config";
import { TestServers } from "../support/test-servers";

const servers = new TestServers();
let backend: string;
let front: number;
let route: RouteConfig;
const context = { sub: "alice-sub", scope: "orders/read" };

beforeAll(async () => {
  backend = `http://127.0.0.1:${await servers.listen(createServer((req, res) => res.end(JSON.stringify({ headers: req.headers, url: req.url }))))}`;
  front = await servers.listen(createServer(async (req: IncomingMessage, res) => {
    const url = new URL(req.url ?? "/", "https://localhost");
    const answer = await proxyHttp(req, route, null, url, Buffer.alloc(0), context);
    res.writeHead(answer.status, answer.headers).end(answer.body);
  }));
});
afterAll(() => servers.close());

const routeWith = (requestParameters: Record<string, string>): RouteConfig =>
  ({ httpMethod: "GET", path: "/orders", authorization: "CUSTOM", integration: { type: "HTTP_PROXY", uri: `${backend}/orders`, httpMethod: "GET", requestParameters } }) as unknown as RouteConfig;

function call(path: string, headers: Record<string, string>): Promise<{ status: number; body: { headers?: Record<string, string>; url?: string; message?: string } }> {
  return new Promise((resolve, reject) => {
    request({ host: "127.0.0.1", port: front, path, headers }, (res) => {
      let text = "";
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    }).on("error", reject).end();
  });
}

it("a header mapped from context.authorizer replaces the client's header of that name, whatever its case (the client's reached the backend before)", async () => {
  route = routeWith({ "integration.request.header.x-cbat-sub": "context.authorizer.sub" });
  for (const name of ["x-cbat-sub", "X-Cbat-Sub"]) {
    const { status, body } = await call("/orders", { [name]: "admin", "x-other": "kept" });
    expect(status).toBe(200);
    expect(body.headers).toMatchObject({ "x-cbat-sub": "alice-sub", "x-other": "kept" });
  }
});

it("a mapped header whose source has no value is left out, the client's too", async () => {
  route = routeWith({ "integration.request.header.x-cbat-tenant": "context.authorizer.tenant" });
  const { body } = await call("/orders", { "x-cbat-tenant": "someone-else" });
  expect(body.headers).not.toHaveProperty("x-cbat-tenant");
});

it("static values, method request headers and query strings map too", async () => {
  route = routeWith({
    "integration.request.header.x-source": "'local'",
    "integration.request.header.x-copied": "method.request.header.x-in",
    "integration.request.querystring.scope": "context.authorizer.scope",
  });
  const { body } = await call("/orders?scope=admin&page=2", { "x-in": "from client" });
  expect(body.headers).toMatchObject({ "x-source": "local", "x-copied": "from client" });
  expect(new URL(body.url!, "http://x").searchParams.getAll("scope")).toEqual(["orders/read"]);
  expect(new URL(body.url!, "http://x").searchParams.get("page")).toBe("2");
});

it("a mapping the local gateway cannot evaluate is refused with a message naming it, never ignored", async () => {
  route = routeWith({ "integration.request.header.x-stage": "stageVariables.name" });
  const { status, body } = await call("/orders", {});
  expect(status).toBe(500);
  expect(body.message).toBe(`GET /orders: requestParameters "integration.request.header.x-stage" reads stageVariables.name, which npm run local cannot evaluate (it applies 'static' values, method.request.header/querystring/path and context.authorizer.*)`);
});
