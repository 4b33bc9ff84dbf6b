/** API Gateway's REST route selection, as the local gateway reproduces it. */
import { matchRoute } from "../../local/route-matcher";

const routes = [
  { httpMethod: "GET", path: "/" },
  { httpMethod: "GET", path: "/accounts" },
  { httpMethod: "GET", path: "/accounts/{id}" },
  { httpMethod: "PUT", path: "/accounts/{id}" },
  { httpMethod: "GET", path: "/accounts/me" },
  { httpMethod: "GET", path: "/files/{proxy+}" },
  { httpMethod: "GET", path: "/files/readme" },
];
const match = (method: string, path: string) => {
  const found = matchRoute(routes, method, path);
  return found && [`${found.route.httpMethod} ${found.route.path}`, found.pathParameters];
};

it("prefers a literal segment to a variable, and a variable to a greedy proxy", () => {
  expect(match("GET", "/accounts/me")).toEqual(["GET /accounts/me", null]);
  expect(match("GET", "/accounts/acc-1")).toEqual(["GET /accounts/{id}", { id: "acc-1" }]);
  expect(match("GET", "/files/readme")).toEqual(["GET /files/readme", null]);
  expect(match("GET", "/files/a/b%20c")).toEqual(["GET /files/{proxy+}", { proxy: "a/b c" }]);
});

it("matches the root and methods per resource; no fallback to a less specific resource", () => {
  expect(match("GET", "/")).toEqual(["GET /", null]);
  expect(match("PUT", "/accounts/acc-1")).toEqual(["PUT /accounts/{id}", { id: "acc-1" }]);
  expect(match("PUT", "/accounts/me")).toBeUndefined(); // /accounts/me has no PUT: API Gateway does not fall back to {id}
});

it("finds nothing for unknown paths, a greedy proxy without a segment, or extra segments", () => {
  expect(match("GET", "/nope")).toBeUndefined();
  expect(match("GET", "/files")).toBeUndefined();
  expect(match("GET", "/accounts/a/b")).toBeUndefined();
  expect(match("DELETE", "/accounts")).toBeUndefined();
});

it("keeps a malformed percent-encoding as it came", () => {
  expect(match("GET", "/accounts/%E0%A4%A")).toEqual(["GET /accounts/{id}", { id: "%E0%A4%A" }]);
});

describe("HTTP_PROXY backend URLs (local/http-proxy.ts)", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { integrationUrl, PathTraversalError } = require("../../local/http-proxy") as typeof import("../../local/http-proxy");
  const mapping = { "integration.request.path.name": "method.request.path.name" };

  it("fills a variable with its encoded value, slashes included", () => {
    expect(integrationUrl("http://127.0.0.1:1/public/{name}", mapping, { name: "a/b c" }, "?q=1").href).toBe("http://127.0.0.1:1/public/a%2Fb%20c?q=1");
  });
  it("refuses . and .. so a route cannot reach another path of the backend", () => {
    for (const name of ["..", ".", "../../internal/admin"]) {
      expect(() => integrationUrl("http://127.0.0.1:1/public/{name}", mapping, { name }, "", new Set(["name"]))).toThrow(PathTraversalError);
    }
    // Without the greedy flag, "../x" stays one encoded segment.
    expect(integrationUrl("http://127.0.0.1:1/public/{name}", mapping, { name: "../x" }, "").pathname).toBe("/public/..%2Fx");
  });
  it("keeps the slashes of a greedy variable", () => {
    expect(integrationUrl("http://127.0.0.1:1/files/{proxy}", { "integration.request.path.proxy": "method.request.path.proxy" }, { proxy: "a/b/c.txt" }, "", new Set(["proxy"])).pathname).toBe("/files/a/b/c.txt");
  });
});
