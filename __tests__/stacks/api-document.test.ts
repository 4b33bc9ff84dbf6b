/**
 * The API document module on real documents: the example, the built-in one, and every kind
 * of bad input, each with the file, line, path and method the user must fix.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { ApiDocumentError, BUILT_IN_DOCUMENT, builtInApi, describeBackend, loadApiDocument, parseApiDocument, routeKey } from "../../stacks/api-document";
import { methodPathOf } from "../../stacks/api-throttle";
import { DeploymentConfigError, loadDeploymentConfig } from "../../stacks/deployment-config";

const EXAMPLE = join(__dirname, "..", "..", "examples", "accounts-api.yaml");

/** A document with one operation, changed by `patch`. */
function doc(operation: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ openapi: "3.0.3", info: { title: "t", version: "1" }, paths: { "/things/{id}": { get: operation } }, ...extra });
}
const parseError = (text: string, source = "api.json") => {
  try {
    parseApiDocument(text, source);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiDocumentError);
    return (error as Error).message;
  }
  throw new Error("expected the document to be refused");
};

describe("the example document", () => {
  const api = loadApiDocument(EXAMPLE, { "account-readers": ["accounts/read"] });

  it("lists every operation with its scopes and backend", () => {
    expect(api.routes.map((r) => [routeKey(r), r.scopes, describeBackend(r.backend)])).toEqual([
      ["POST /accounts", ["accounts/write"], "handler accounts"],
      ["GET /accounts/{id}", ["accounts/read"], "handler accounts"],
      ["PUT /accounts/{id}", ["accounts/write"], "handler accounts"],
      ["GET /health", [], "handler example"],
      ["GET /rates", ["accounts/read"], "HTTP_PROXY https://rates.example.com/v1/rates"],
    ]);
    expect(api.title).toBe("Accounts API");
    expect(api.groupScopes).toEqual({ "account-readers": ["accounts/read"] });
  });

  it("declares path variables as required method request parameters", () => {
    expect(api.routes.find((r) => routeKey(r) === "GET /accounts/{id}")!.requestParameters).toEqual({ "method.request.path.id": true });
  });

  it("keeps a user-written integration field for field", () => {
    const rates = api.routes.find((r) => r.path === "/rates")!;
    expect(rates.backend).toEqual({ kind: "integration", integration: { type: "HTTP_PROXY", httpMethod: "GET", uri: "https://rates.example.com/v1/rates", timeoutInMillis: 5000 } });
  });
});

describe("the built-in document", () => {
  it("is today's API: GET /example → the example handler, no scope", () => {
    const api = builtInApi();
    expect(api.source).toBe("built-in");
    expect(api.routes).toEqual([{ method: "GET", path: "/example", operationId: "getExample", scopes: [], backend: { kind: "handler", handler: "example" }, requestParameters: {} }]);
    expect(BUILT_IN_DOCUMENT.openapi).toMatch(/^3\.0\./);
  });
});

describe("scopes", () => {
  it("come from the operation's certificateBound entry, else the document's", () => {
    const text = JSON.stringify({
      openapi: "3.0.1", info: { title: "t", version: "1" }, security: [{ certificateBound: ["read"] }],
      paths: { "/a": { get: { "x-cbat-handler": "example" }, post: { "x-cbat-handler": "example", security: [{ certificateBound: ["write", "audit:log"] }] } } },
    });
    expect(parseApiDocument(text, "t.json").routes.map((r) => [routeKey(r), r.scopes])).toEqual([["GET /a", ["read"]], ["POST /a", ["write", "audit:log"]]]);
  });
  it("no security anywhere → no scope (the binding alone)", () => {
    expect(parseApiDocument(doc({ "x-cbat-handler": "example" }), "t.json").routes[0].scopes).toEqual([]);
  });
  it("refuses security: [{}] (OpenAPI's no-auth alternative) with path and method, not a TypeError (issue 21)", () => {
    expect(parseError(doc({ "x-cbat-handler": "example", security: [{}] }))).toMatch(/GET \/things\/\{id\}: its security lists \{\} \(OpenAPI's "no authorization" alternative\)/);
    expect(parseError(doc({ "x-cbat-handler": "example", security: [{ certificateBound: [] }, {}] }))).toMatch(/its security lists \{\}/);
    expect(parseError(doc({ "x-cbat-handler": "example" }, { security: [{}] }))).toMatch(/the document's top-level security lists \{\}/);
  });

  it("refuses dot segments in document paths (issue 21)", () => {
    for (const path of ["/a/..", "/a/./b", "/../x"]) {
      const text = JSON.stringify({ openapi: "3.0.3", info: { title: "t", version: "1" }, paths: { [path]: { get: { "x-cbat-handler": "example" } } } });
      expect(parseError(text)).toMatch(/is a dot segment; write the path without "\." and "\.\." parts/);
    }
  });

  it("refuses security: [] on an operation, naming path and method", () => {
    expect(parseError(doc({ "x-cbat-handler": "example", security: [] }))).toMatch(/GET \/things\/\{id\}: its security is \[\] \(an explicit opt-out\)/);
  });
  it("refuses an empty top-level security for operations that inherit it", () => {
    expect(parseError(doc({ "x-cbat-handler": "example" }, { security: [] }))).toMatch(/GET \/things\/\{id\}: the document's top-level security is \[\]/);
  });
  it("refuses a scheme it cannot enforce, and alternatives", () => {
    expect(parseError(doc({ "x-cbat-handler": "example", security: [{ apiKey: [] }] }))).toMatch(/security scheme "apiKey", which this stack cannot enforce/);
    expect(parseError(doc({ "x-cbat-handler": "example", security: [{ certificateBound: ["a"] }, { certificateBound: ["b"] }] }))).toMatch(/lists certificateBound 2 times/);
  });
  it.each([["has space"], ['quote"'], ["back\\slash"], [""], ["é"]])("refuses the scope %j (RFC 6749 scope-token)", (scope) => {
    expect(parseError(doc({ "x-cbat-handler": "example", security: [{ certificateBound: [scope] }] }))).toMatch(/is not a valid OAuth scope \(RFC 6749/);
  });
});

describe("x-cbat-throttle", () => {
  it("gives an operation its own rate and burst limits, and no throttle key without the extension", () => {
    const api = loadApiDocument(EXAMPLE);
    expect(api.routes.find((r) => routeKey(r) === "PUT /accounts/{id}")!.throttle).toEqual({ rateLimit: 5, burstLimit: 10 });
    expect(api.routes.filter((r) => r.throttle)).toHaveLength(1);
    expect("throttle" in api.routes.find((r) => routeKey(r) === "GET /accounts/{id}")!).toBe(false);
    expect(parseApiDocument(doc({ "x-cbat-handler": "example", "x-cbat-throttle": { rateLimit: 0.5, burstLimit: 1 } }), "api.json").routes[0].throttle).toEqual({ rateLimit: 0.5, burstLimit: 1 });
  });
  it.each([
    [[10, 20], /x-cbat-throttle must be an object such as x-cbat-throttle: \{ rateLimit: 10, burstLimit: 20 \}/],
    [{ rateLimit: 10 }, /burstLimit must be a whole number of requests from 1 to 5000, got null/],
    [{ rateLimit: 0, burstLimit: 5 }, /rateLimit must be requests per second above 0 and at most 10000, got 0/],
    [{ rateLimit: "10", burstLimit: 5 }, /rateLimit must be requests per second above 0/],
    [{ rateLimit: 10, burstLimit: 2.5 }, /burstLimit must be a whole number/],
    [{ rateLimit: 10, burstLimit: 5, period: "day" }, /unknown field "period"; only rateLimit and burstLimit/],
  ])("refuses %j with the operation and what to write", (throttle, message) => {
    const error = parseError(doc({ "x-cbat-handler": "example", "x-cbat-throttle": throttle }));
    expect(error).toMatch(/^api\.json:\d+: GET \/things\/\{id\}: x-cbat-throttle/);
    expect(error).toMatch(message);
  });
  it("names the method as API Gateway keys its settings: every / of the resource path as ~1", () => {
    expect(methodPathOf({ method: "PUT", path: "/accounts/{id}" })).toBe("~1accounts~1{id}/PUT");
    expect(methodPathOf({ method: "GET", path: "/health" })).toBe("~1health/GET");
    expect(methodPathOf({ method: "ANY", path: "/files/{proxy+}" })).toBe("~1files~1{proxy+}/ANY");
  });
  it("refuses it on the root path, where the stage-wide limits apply", () => {
    const text = JSON.stringify({ openapi: "3.0.3", info: { title: "t", version: "1" }, paths: { "/": { get: { "x-cbat-handler": "example", "x-cbat-throttle": { rateLimit: 1, burstLimit: 1 } } } } });
    expect(parseError(text)).toMatch(/GET \/: x-cbat-throttle: not supported on the root path/);
  });
});

describe("backends", () => {
  it("needs exactly one backend", () => {
    expect(parseError(doc({}))).toMatch(/GET \/things\/\{id\}: set exactly one backend.*found neither/);
    expect(parseError(doc({ "x-cbat-handler": "example", "x-amazon-apigateway-integration": { type: "mock" } }))).toMatch(/found both/);
  });
  it("names the missing handler file", () => {
    expect(parseError(doc({ "x-cbat-handler": "no-such-handler" }))).toMatch(/x-cbat-handler "no-such-handler": .*handlers\/no-such-handler\.ts does not exist/);
  });
  it("refuses the binding machinery as a backend", () => {
    expect(parseError(doc({ "x-cbat-handler": "authorizer" }))).toMatch(/must name a file handlers\/<name>\.ts/);
  });
  it("finds handlers in the folder it is given", () => {
    const dir = mkdtempSync(join(tmpdir(), "cbat-handlers-"));
    writeFileSync(join(dir, "orders.ts"), "export const handler = async () => ({ statusCode: 200, body: '' });\n");
    expect(parseApiDocument(doc({ "x-cbat-handler": "orders" }), "t.json", {}, { handlersDir: dir }).routes[0].backend).toEqual({ kind: "handler", handler: "orders" });
  });
  it("accepts an AWS_PROXY to an existing Lambda and refuses other aws_proxy URIs", () => {
    const uri = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:orders/invocations";
    const api = parseApiDocument(doc({ "x-amazon-apigateway-integration": { type: "aws_proxy", httpMethod: "POST", uri } }), "t.json");
    expect(describeBackend(api.routes[0].backend)).toBe(`AWS_PROXY ${uri}`);
    expect(parseError(doc({ "x-amazon-apigateway-integration": { type: "aws_proxy", httpMethod: "POST", uri: "arn:aws:apigateway:eu-west-1:s3:path/bucket" } }))).toMatch(/must be a Lambda invoke ARN/);
    expect(parseError(doc({ "x-amazon-apigateway-integration": { type: "aws_proxy", httpMethod: "GET", uri } }))).toMatch(/httpMethod must be POST/);
  });
  it("refuses plain http to anything but loopback, and unknown integration fields", () => {
    expect(parseError(doc({ "x-amazon-apigateway-integration": { type: "http_proxy", httpMethod: "GET", uri: "http://backend.example.com/" } }))).toMatch(/must be an https:\/\/ URL/);
    expect(parseApiDocument(doc({ "x-amazon-apigateway-integration": { type: "http_proxy", httpMethod: "GET", uri: "http://127.0.0.1:8080/x" } }), "t.json").routes).toHaveLength(1);
    expect(parseError(doc({ "x-amazon-apigateway-integration": { type: "http_proxy", httpMethod: "GET", uri: "https://b.example.com/", payloadFormatVersion: "2.0" } }))).toMatch(/unsupported field\(s\) payloadFormatVersion/);
  });
});

describe("paths and operations", () => {
  it("reads several methods per path, path parameters and a greedy proxy", () => {
    const text = stringify({
      openapi: "3.0.3", info: { title: "t", version: "1" },
      components: { parameters: { Trace: { name: "X-Trace", in: "header", required: true } } },
      paths: {
        "/": { get: { "x-cbat-handler": "example" } },
        "/files/{proxy+}": { get: { "x-cbat-handler": "example", parameters: [{ $ref: "#/components/parameters/Trace" }, { name: "q", in: "query" }] } },
      },
    });
    const api = parseApiDocument(text, "t.yaml");
    expect(api.routes.map(routeKey)).toEqual(["GET /", "GET /files/{proxy+}"]);
    expect(api.routes[1].requestParameters).toEqual({ "method.request.path.proxy": true, "method.request.header.X-Trace": true, "method.request.querystring.q": false });
  });
  it("refuses a duplicate operation: the same route under another variable name", () => {
    const text = JSON.stringify({ openapi: "3.0.3", info: {}, paths: { "/a/{id}": { get: { "x-cbat-handler": "example" } }, "/a/{key}": { get: { "x-cbat-handler": "example" } } } });
    expect(parseError(text)).toMatch(/GET \/a\/\{key\}: duplicate operation \(same route as GET \/a\/\{id\}\)/);
  });
  it("refuses two variable names at one level, duplicate operationIds, and trace", () => {
    const siblings = JSON.stringify({ openapi: "3.0.3", info: {}, paths: { "/a/{id}": { get: { "x-cbat-handler": "example" } }, "/a/{key}/b": { get: { "x-cbat-handler": "example" } } } });
    expect(parseError(siblings)).toMatch(/\{key\} conflicts with \{id\} under \/a/);
    const ids = JSON.stringify({ openapi: "3.0.3", info: {}, paths: { "/a": { get: { operationId: "x", "x-cbat-handler": "example" }, put: { operationId: "x", "x-cbat-handler": "example" } } } });
    expect(parseError(ids)).toMatch(/PUT \/a: duplicate operationId "x" \(also GET \/a\)/);
    expect(parseError(JSON.stringify({ openapi: "3.0.3", info: {}, paths: { "/a": { trace: {} } } }))).toMatch(/trace \/a: API Gateway REST APIs here route/);
  });
  it("names file and line of a YAML duplicate key and of an operation's problem", () => {
    const yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      x-cbat-handler: example\n    get:\n      x-cbat-handler: example\n";
    expect(parseError(yaml, "api.yaml")).toMatch(/^api\.yaml:7:\d+: not valid YAML or JSON: duplicated mapping key/);
    const yaml2 = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      security: []\n      x-cbat-handler: example\n";
    expect(parseError(yaml2, "api.yaml")).toMatch(/^api\.yaml:6: GET \/a: its security is \[\]/);
  });
  it("refuses a key repeated in a JSON object, with its line (JSON.parse would keep the last)", () => {
    const json = '{\n  "openapi": "3.0.3",\n  "paths": {\n    "/a": {"get": {"x-cbat-handler": "example"}},\n    "/a": {"put": {"x-cbat-handler": "example"}}\n  }\n}';
    expect(parseError(json, "api.json")).toBe('api.json:5: not valid JSON for an API document: the key "/a" appears twice in one object');
    const escaped = '{"openapi": "3.0.3", "paths": {"/a": {"get": {"x-cbat-handler": "example", "summary": "a \\"quoted\\" {\\"/a\\": [get]}"}}, "/b": {"get": {"x-cbat-handler": "example"}}}}';
    expect(parseApiDocument(escaped, "t.json").routes).toHaveLength(2);
  });
  it("refuses broken JSON with its line, and documents that are not OpenAPI 3.0", () => {
    expect(parseError('{\n  "openapi": "3.0.3",\n  "paths": {,}\n}', "api.json")).toMatch(/^api\.json:3:\d+: not valid YAML or JSON/);
    expect(parseError(JSON.stringify({ openapi: "3.1.0", paths: {} }))).toMatch(/"openapi" is "3\.1\.0"; this stack reads OpenAPI 3\.0\.x/);
    expect(parseError(JSON.stringify({ swagger: "2.0", paths: {} }))).toMatch(/"openapi" is null/);
    expect(parseError(JSON.stringify({ openapi: "3.0.0", paths: {} }))).toMatch(/"paths" must list at least one path/);
    expect(parseError("- a\n- b\n")).toMatch(/must be an object/);
  });
  it("refuses paths API Gateway would refuse", () => {
    for (const path of ["a", "/a//b", "/a/b c", "/{proxy+}/x"]) {
      expect(parseError(JSON.stringify({ openapi: "3.0.3", info: {}, paths: { [path]: { get: { "x-cbat-handler": "example" } } } }))).toMatch(/path/);
    }
  });
});

describe("fields that would otherwise be dropped in silence (security review)", () => {
  it("refuses unknown or upper-case fields of path items and operations", () => {
    const upper = JSON.stringify({ openapi: "3.0.3", info: {}, paths: { "/a": { GET: { "x-cbat-handler": "example" }, get: { "x-cbat-handler": "example" } } } });
    expect(parseError(upper)).toMatch(/path \/a: unknown field "GET" .*methods are lower case/);
    expect(parseError(doc({ "x-cbat-handler": "example", Security: [{ certificateBound: ["admin"] }] }))).toMatch(/GET \/things\/\{id\}: unknown field "Security"/);
    expect(parseError(doc({ "x-cbat-handler": "example", securty: [{ certificateBound: ["admin"] }] }))).toMatch(/unknown field "securty"/);
  });
  it("refuses YAML merge keys, which parsers read differently", () => {
    const yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nx-admin: &admin\n  security: [{certificateBound: [accounts/admin]}]\npaths:\n  /admin:\n    delete:\n      <<: *admin\n      x-cbat-handler: example\n";
    expect(parseError(yaml, "api.yaml")).toMatch(/^api\.yaml:8: a YAML merge key "<<"/);
  });
  it("refuses Cognito's built-in scopes as a route's requirement", () => {
    expect(parseError(doc({ "x-cbat-handler": "example", security: [{ certificateBound: ["aws.cognito.signin.user.admin"] }] }))).toMatch(/Cognito's built-in scopes/);
    expect(parseError(doc({ "x-cbat-handler": "example", security: [{ certificateBound: ["openid"] }] }))).toMatch(/built-in/);
  });
  it("refuses path characters API Gateway refuses at apply", () => {
    for (const path of ["/files/~list", "/a(b)", "/x*y", "/o'k", "/a$b"]) {
      expect(parseError(JSON.stringify({ openapi: "3.0.3", info: {}, paths: { [path]: { get: { "x-cbat-handler": "example" } } } }))).toMatch(/has characters API Gateway refuses/);
    }
    expect(parseApiDocument(JSON.stringify({ openapi: "3.0.3", info: {}, paths: { "/v1.2/a_b:c-d": { get: { "x-cbat-handler": "example" } } } }), "t.json").routes).toHaveLength(1);
  });
  it("refuses credentials in a URI, and mappings API Gateway would refuse at apply", () => {
    const integration = (extra: Record<string, unknown>) => doc({ "x-amazon-apigateway-integration": { type: "http_proxy", httpMethod: "GET", uri: "https://b.example.com/things/{id}", requestParameters: { "integration.request.path.id": "method.request.path.id" }, ...extra } });
    expect(parseApiDocument(integration({}), "t.json").routes).toHaveLength(1);
    expect(parseError(integration({ uri: "https://user:secret@b.example.com/" }))).toMatch(/without user:password/);
    expect(parseError(integration({ requestParameters: {} }))).toMatch(/the uri's \{id\} needs requestParameters "integration.request.path.id"/);
    expect(parseError(integration({ requestParameters: { "integration.request.path.id": "method.request.path.id", "integration.request.header.X-Q": "method.request.querystring.q" } })))
      .toMatch(/reads method\.request\.querystring\.q, which the operation does not declare/);
  });
  it("takes context.authorizer.* mappings of the fields the authorizer sets (how a backend learns who called), and refuses others", () => {
    const mapping = (source: string) => doc({ "x-amazon-apigateway-integration": { type: "http_proxy", httpMethod: "GET", uri: "https://b.example.com/", requestParameters: { "integration.request.header.x-caller": source } } });
    for (const field of ["principalId", "sub", "username", "clientId", "scope", "x5tS256", "certSubject"]) {
      expect(parseApiDocument(mapping(`context.authorizer.${field}`), "t.json").routes).toHaveLength(1);
    }
    expect(parseError(mapping("context.authorizer.tenant"))).toMatch(/requestParameters "integration\.request\.header\.x-caller" reads context\.authorizer\.tenant, which the authorizer does not set; it sets context\.authorizer\.principalId, context\.authorizer\.sub, .*context\.authorizer\.certSubject$/);
    expect(parseError(mapping("context.authorizer.claims.sub"))).toMatch(/reads context\.authorizer\.claims\.sub, which the authorizer does not set/);
  });
});

describe("api in cbat.config.json", () => {
  const config = (content: unknown, files: Record<string, string> = {}) => {
    const dir = mkdtempSync(join(tmpdir(), "cbat-config-"));
    // A name with empty text and no dot is a folder.
    for (const [name, text] of Object.entries(files)) (text === "" && !name.includes(".") ? mkdirSync(join(dir, name)) : writeFileSync(join(dir, name), text));
    const file = join(dir, "cbat.config.json");
    writeFileSync(file, JSON.stringify(content));
    return () => loadDeploymentConfig({ configFile: file, env: {} });
  };

  const things = stringify(JSON.parse(doc({ "x-cbat-handler": "things", security: [{ certificateBound: ["things:read"] }] })));
  it("reads api.openapi relative to the config file, with group scopes, and x-cbat-handler from handlers/ next to it", () => {
    const load = config({ api: { openapi: "api.yaml", groupScopes: { readers: ["things:read"] } } }, { "api.yaml": things, handlers: "", "handlers/things.ts": "export const handler = async () => ({ statusCode: 200 });" });
    const { api } = load();
    expect(api!.routes.map(routeKey)).toEqual(["GET /things/{id}"]);
    expect(api!.groupScopes).toEqual({ readers: ["things:read"] });
    expect(api!.handlersDir).toMatch(/cbat-config-\w+\/handlers$/);
  });
  it("reads x-cbat-handler from api.handlersDir, relative to the config file, and says where it looked", () => {
    const load = config({ api: { openapi: "api.yaml", handlersDir: "src/fns" } }, { "api.yaml": things, src: "", "src/fns": "", "src/fns/things.ts": "export const handler = async () => ({ statusCode: 200 });" });
    expect(load().api!.handlersDir).toMatch(/src\/fns$/);
    expect(() => config({ api: { openapi: "api.yaml" } }, { "api.yaml": things })()).toThrow(/x-cbat-handler "things": .*cbat-config-\w+\/handlers\/things\.ts does not exist/);
    expect(() => config({ api: { openapi: "api.yaml", handlersDir: 3 } }, { "api.yaml": things })()).toThrow(/api\.handlersDir: must be the folder of your x-cbat-handler sources/);
    expect(() => config({ api: { handlersDir: "handlers" } })()).toThrow(/api\.handlersDir: is used only with api\.openapi/);
  });
  it("refuses a group named __proto__ instead of dropping it silently (issue 21)", () => {
    const groupScopes = JSON.parse('{"readers": ["r"], "__proto__": ["r"]}');
    expect(() => config({ api: { groupScopes } })()).toThrow(/api: api.groupScopes: group name "__proto__" is not supported/);
  });
  it("uses the built-in document without api.openapi", () => {
    expect(config({ api: { groupScopes: { readers: ["r"] } } })().api!.routes.map(routeKey)).toEqual(["GET /example"]);
    expect(loadDeploymentConfig({ env: {} }).api).toBeUndefined(); // no cbat.config.json at the project root: the stack's default
  });
  it("names the setting and the file in every error", () => {
    expect(() => config({ api: { openapi: "missing.yaml" } })()).toThrow(DeploymentConfigError);
    expect(() => config({ api: { openapi: "missing.yaml" } })()).toThrow(/api: .*missing\.yaml: cannot read the API document \(ENOENT\)/);
    expect(() => config({ api: { spec: "x" } })()).toThrow(/api: unknown setting\(s\) spec; allowed: openapi, groupScopes/);
    expect(() => config({ api: { groupScopes: { "has space": ["a"] } } })()).toThrow(/group name "has space" is one Cognito refuses/);
    expect(() => config({ api: { groupScopes: { ok: ["bad scope"] } } })()).toThrow(/api\.groupScopes\["ok"\]: "bad scope" is not a valid OAuth scope/);
  });
});
