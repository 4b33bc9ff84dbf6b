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
