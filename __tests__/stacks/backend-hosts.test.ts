/**
 * Issue 19, item 7: an HTTP backend AWS cannot reach (loopback, link-local, private range,
 * CGNAT) is refused at synth for AWS, with the file, the route, the URI and what to do;
 * `npm run local` (localRun) accepts it, and `api.localIntegrations` lets one document carry
 * the https:// backend for AWS and a local one for the local run.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing } from "cdktf";
import { parseApiDocument, type ApiDefinition } from "../../stacks/api-document";
import { CertBoundApiStack } from "../../stacks/cert-bound-api-stack";
import { loadDeploymentConfig } from "../../stacks/deployment-config";
import { localHostKind } from "../../stacks/host-ranges";
import { apiToServe } from "../../stacks/local-integrations";

const documentWith = (integration: Record<string, unknown>, operationId = "getRates") => JSON.stringify({
  openapi: "3.0.3",
  info: { title: "t", version: "1" },
  paths: {
    "/rates/{currency}": { get: { operationId, "x-amazon-apigateway-integration": { type: "http_proxy", httpMethod: "GET", requestParameters: { "integration.request.path.currency": "method.request.path.currency" }, ...integration } } },
    "/example": { get: { operationId: "getExample", "x-cbat-handler": "example" } },
  },
});
const apiWith = (uri: string, extra: Record<string, unknown> = {}): ApiDefinition => parseApiDocument(documentWith({ uri, ...extra }), "api/openapi.yaml");
const awsSynthError = (api: ApiDefinition): string => {
  try {
    new CertBoundApiStack(Testing.app(), "t", { api });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("synth accepted it");
};

it.each([
  ["localhost", "loopback"], ["localhost.", "loopback"], ["api.localhost", "loopback"], ["127.0.0.1", "loopback"], ["127.8.9.10", "loopback"], ["[::1]", "loopback"],
  ["[::ffff:7f00:1]", "loopback"], ["0.0.0.0", "unspecified"], ["[::]", "unspecified"],
  ["169.254.169.254", "link-local"], ["[fe80::1]", "link-local"],
  ["10.1.2.3", "private"], ["172.16.0.1", "private"], ["172.31.255.255", "private"], ["192.168.1.10", "private"], ["[fd12:3456::1]", "private"],
  ["100.64.0.1", "shared (CGNAT)"], ["100.127.255.255", "shared (CGNAT)"],
  ["224.0.0.1", "multicast or reserved"], ["255.255.255.255", "multicast or reserved"], ["[ff02::1]", "multicast or reserved"],
  ["172.32.0.1", undefined], ["100.128.0.1", undefined], ["8.8.8.8", undefined], ["[2001:db8::1]", undefined], ["rates.example.com", undefined], ["localhost.example.com", undefined],
])("%s is %s", (hostname, kind) => {
  expect(localHostKind(hostname)).toBe(kind);
});

it("hosts written in other forms are judged as the URL parser reads them (decimal, hex, IPv4-mapped)", () => {
  for (const uri of ["https://2130706433/", "https://0x7f.1/", "https://[::ffff:127.0.0.1]/", "https://LOCALHOST:8443/"]) {
    expect(awsSynthError(apiWith(uri))).toMatch(/has a loopback host/);
  }
});

it("synth for AWS refuses a loopback backend, naming the file, the route, the URI and the fix", () => {
  expect(awsSynthError(apiWith("http://127.0.0.1:8081/v1/rates/{currency}"))).toBe(
    'api.openapi: api/openapi.yaml: GET /rates/{currency} (getRates): x-amazon-apigateway-integration uri "http://127.0.0.1:8081/v1/rates/{currency}" has a loopback host, which API Gateway in AWS cannot reach. ' +
    'Put your backend\'s public https:// URL in the document, and the local one under api.localIntegrations in cbat.config.json ({"getRates": "http://127.0.0.1:8081/v1/rates/{currency}"}): npm run local calls that one, AWS the document\'s',
  );
});

it("refuses link-local, private and CGNAT hosts too, over https as over http", () => {
  expect(awsSynthError(apiWith("https://169.254.169.254/latest"))).toMatch(/"https:\/\/169\.254\.169\.254\/latest" has a link-local host/);
  expect(awsSynthError(apiWith("http://10.0.0.5/v1/rates/{currency}"))).toMatch(/has a private host/);
  expect(awsSynthError(apiWith("https://[fd00::5]/"))).toMatch(/has a private host/);
  expect(awsSynthError(apiWith("https://100.64.1.1/"))).toMatch(/has a shared \(CGNAT\) host/);
});

it("a route without operationId is named by METHOD /path in the suggested override", () => {
  const api = parseApiDocument(documentWith({ uri: "http://localhost:8081/r/{currency}" }, undefined as unknown as string).replace(/"operationId":"getRates",/, ""), "api.json");
  expect(awsSynthError(api)).toContain('{"GET /rates/{currency}": "http://localhost:8081/r/{currency}"}');
});

it("a VPC link integration may name a private host (its load balancer is reached whatever the host), never a loopback one", () => {
  const vpcLink = { connectionType: "VPC_LINK", connectionId: "abc123" };
  expect(() => apiToServe(apiWith("http://10.0.0.5/v1/rates/{currency}", vpcLink), false)).not.toThrow();
  expect(awsSynthError(apiWith("http://127.0.0.1/v1/rates/{currency}", vpcLink))).toMatch(/has a loopback host/);
});

it("public https backends pass; plain http:// to a public host is still refused when the document is read", () => {
  expect(() => apiToServe(apiWith("https://rates.example.com/v1/rates/{currency}"), false)).not.toThrow();
  expect(() => apiWith("http://rates.example.com/v1/rates/{currency}")).toThrow(/must be an https:\/\/ URL without user:password \(plain http:\/\/ only to a loopback or private-range host, for npm run local\)/);
});

it("npm run local (localRun) accepts loopback and private backends in the document itself", () => {
  for (const uri of ["http://127.0.0.1:8081/v1/rates/{currency}", "http://192.168.1.20/v1/rates/{currency}"]) {
    expect(apiToServe(apiWith(uri), true).routes.find((r) => r.operationId === "getRates")!.backend).toMatchObject({ integration: { uri } });
  }
});

describe("api.localIntegrations", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "cbat-local-integrations-"));
    writeFileSync(join(dir, "api.json"), documentWith({ uri: "https://rates.example.com/v1/rates/{currency}" }));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const load = (localIntegrations: unknown) => {
    writeFileSync(join(dir, "cbat.config.json"), JSON.stringify({ api: { openapi: "api.json", handlersDir: join(__dirname, "../../handlers"), localIntegrations } }));
    return loadDeploymentConfig({ configFile: join(dir, "cbat.config.json"), env: {} }).api!;
  };
  const loadError = (localIntegrations: unknown): string => {
    try {
      load(localIntegrations);
    } catch (error) {
      return (error as Error).message.replace(/^.*?cbat\.config\.json: /, "");
    }
    throw new Error("accepted");
  };

  it("keys by operationId or METHOD /path; only the local run serves the local URI", () => {
    const local = "http://127.0.0.1:8081/v1/rates/{currency}";
    for (const key of ["getRates", "GET /rates/{currency}", "get /rates/{currency}"]) {
      const api = load({ [key]: local });
      expect(api.localIntegrations).toEqual({ "GET /rates/{currency}": local });
      expect(apiToServe(api, true).routes.find((r) => r.path === "/rates/{currency}")!.backend).toMatchObject({ integration: { uri: local, type: "HTTP_PROXY" } });
      expect(apiToServe(api, false).routes.find((r) => r.path === "/rates/{currency}")!.backend).toMatchObject({ integration: { uri: "https://rates.example.com/v1/rates/{currency}" } });
    }
  });

  it("refuses an unknown operation, naming it and the document's operations", () => {
    expect(loadError({ getRate: "http://127.0.0.1:1/" })).toBe('api.localIntegrations["getRate"]: names no operation of the API document (by operationId or "METHOD /path"); it has getExample, getRates');
    expect(loadError({ "POST /rates/{currency}": "http://127.0.0.1:1/" })).toMatch(/^api\.localIntegrations\["POST \/rates\/\{currency\}"\]: names no operation/);
  });

  it("refuses a route that has no backend URI, the same route twice, and a URI the local run could not call", () => {
    expect(loadError({ getExample: "http://127.0.0.1:1/" })).toBe('api.localIntegrations["getExample"]: GET /example (getExample) is served by x-cbat-handler example; only http and http_proxy integrations have a backend URI to override locally');
    expect(loadError({ getRates: "http://127.0.0.1:1/{currency}", "GET /rates/{currency}": "http://127.0.0.1:2/{currency}" })).toMatch(/listed twice/);
    expect(loadError({ getRates: "ftp://127.0.0.1/" })).toMatch(/^api\.localIntegrations\["getRates"\]: the URI "ftp:\/\/127\.0\.0\.1\/" must be an https:\/\/ URL/);
    expect(loadError({ getRates: 8081 })).toMatch(/must be the backend URI for npm run local/);
    expect(loadError({ getRates: "http://127.0.0.1:1/{cur}" })).toMatch(/the uri's \{cur\} needs requestParameters "integration\.request\.path\.cur"/);
    expect(loadError(["http://127.0.0.1:1/"])).toMatch(/^api\.localIntegrations: must map an operationId or "METHOD \/path"/);
  });
});
