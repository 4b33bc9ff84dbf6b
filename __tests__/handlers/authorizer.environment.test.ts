/**
 * The Lambda entry point: configuration from the environment, and the JWKS download.
 * The network is the one thing faked here: aws-jwt-verify's HTTPS fetch is replaced so
 * that the pool's JWKS URL answers with our test key set and every download is counted.
 */
import { createHash } from "node:crypto";
import { createCa, issueClientCert, type IssuedCertificate } from "../support/certificates";
import { ROUTE_SCOPES_FILE } from "../../handlers/lib/packaged-data";
import { requestAuthorizerEvent } from "../support/events";
import { packageFolder } from "../support/packaged-data";
import { captureDecisionLines } from "../support/stdout-lines";
import { accessTokenClaims, CLIENT_ID, createSigningKey, jwksOf, signJwt, USER_POOL_ID, REGION, type SigningKey } from "../support/tokens";

type Network = { fetch: (uri: string) => Promise<ArrayBuffer> };
/** What the JWKS endpoint answers: the response body bytes. */
const body = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).buffer as ArrayBuffer;

let key: SigningKey;
let cert: IssuedCertificate;
let event: Record<string, unknown>;
/** aws-jwt-verify 5 knows both of Cognito's issuer forms for one pool, and loads the keys of each. */
const JWKS_URLS = [
  `https://cognito-idp.${REGION}.amazonaws.com/${USER_POOL_ID}/.well-known/jwks.json`,
  `https://issuer-cognito-idp.${REGION}.amazonaws.com/${USER_POOL_ID}/.well-known/jwks.json`,
];

beforeAll(async () => {
  key = createSigningKey();
  cert = await issueClientCert(await createCa(), "CN=env-client");
  const x5t = createHash("sha256").update(cert.der).digest("base64url");
  event = requestAuthorizerEvent({ authorization: `Bearer ${signJwt(key, accessTokenClaims({ cnf: { "x5t#S256": x5t } }))}`, certPem: cert.pem });
});

const savedEnv = { ...process.env };
/** The entry point writes its decision lines to stdout, unprefixed (what the metric filters read). */
let decisionLines: string[];
/** The stack packages the route table next to index.js: here GET /example, without scopes. */
let routeTable: ReturnType<typeof packageFolder>;
beforeEach(() => {
  decisionLines = captureDecisionLines();
  routeTable = packageFolder({ [ROUTE_SCOPES_FILE]: JSON.stringify({ "GET /example": [] }) });
});
afterEach(() => {
  routeTable.remove();
  process.env = { ...savedEnv };
  jest.restoreAllMocks();
});

/** A fresh import of the handler module (a new "container"), with the network faked by `fakeNetwork`. */
function loadAuthorizerModule(fakeNetwork?: (network: Network) => void): typeof import("../../handlers/authorizer") {
  let loaded: typeof import("../../handlers/authorizer") | undefined;
  jest.isolateModules(() => {
    fakeNetwork?.(require("aws-jwt-verify/https"));
    loaded = require("../../handlers/authorizer");
  });
  return loaded!;
}

it("imports without configuration and then refuses every request (config_error)", async () => {
  delete process.env.USER_POOL_ID;
  delete process.env.USER_POOL_CLIENT_ID;
  const { handler } = loadAuthorizerModule();
  const consoleLog = jest.spyOn(console, "log");
  await expect(handler(event)).rejects.toThrow(/^Unauthorized$/);
  expect(decisionLines).toHaveLength(1);
  expect(JSON.parse(decisionLines[0])).toMatchObject({ decision: "Deny", reason: "config_error" });
  expect(consoleLog).not.toHaveBeenCalled(); // console.log would prefix the line in the function's log
});

it("imports with an invalid pool id and refuses every request", async () => {
  process.env.USER_POOL_ID = "not a pool";
  process.env.USER_POOL_CLIENT_ID = CLIENT_ID;
  const { handler } = loadAuthorizerModule();
  await expect(handler(event)).rejects.toThrow(/^Unauthorized$/);
});

it("downloads the pool's JWKS once at import and never again for warm requests", async () => {
  const urls: string[] = [];
  process.env.USER_POOL_ID = USER_POOL_ID;
  process.env.USER_POOL_CLIENT_ID = CLIENT_ID;
  const { handler } = loadAuthorizerModule((network) =>
    jest.spyOn(network, "fetch").mockImplementation(async (uri: string) => {
      urls.push(uri);
      return body(jwksOf(key));
    }),
  );
  expect(urls.sort()).toEqual(JWKS_URLS); // started during the cold start, before any request
  for (let i = 0; i < 20; i++) await expect(handler(event)).resolves.toHaveProperty("principalId");
  // A token with an unknown kid is refused without a download either.
  const stranger = signJwt(createSigningKey(), accessTokenClaims());
  await expect(handler({ ...event, headers: { Authorization: `Bearer ${stranger}` }, multiValueHeaders: {} })).rejects.toThrow(/^Unauthorized$/);
  expect(urls.sort()).toEqual(JWKS_URLS);
});

it("fails closed while the JWKS cannot be fetched, and recovers on a later request", async () => {
  let available = false;
  let downloads = 0;
  process.env.USER_POOL_ID = USER_POOL_ID;
  process.env.USER_POOL_CLIENT_ID = CLIENT_ID;
  const { handler } = loadAuthorizerModule((network) =>
    jest.spyOn(network, "fetch").mockImplementation(async () => {
      downloads++;
      if (!available) throw new Error("getaddrinfo ENOTFOUND");
      return body(jwksOf(key));
    }),
  );
  await expect(handler(event)).rejects.toThrow(/^Unauthorized$/);
  available = true;
  await expect(handler(event)).rejects.toThrow(/^Unauthorized$/); // this request started the retry
  await expect(handler(event)).resolves.toHaveProperty("principalId");
  const afterRecovery = downloads;
  for (let i = 0; i < 20; i++) await expect(handler(event)).resolves.toHaveProperty("principalId");
  expect(downloads).toBe(afterRecovery);
});

it("reads route-scopes.json from its package, and refuses every request (config_error) when it is missing or not a route table", async () => {
  process.env.USER_POOL_ID = USER_POOL_ID;
  process.env.USER_POOL_CLIENT_ID = CLIENT_ID;
  const lines = decisionLines;
  const answerJwks = (network: Network) => jest.spyOn(network, "fetch").mockImplementation(async () => body(jwksOf(key)));

  routeTable.remove();
  const scopedPackage = packageFolder({ [ROUTE_SCOPES_FILE]: JSON.stringify({ "GET /example": ["needs/this"] }) });
  const scoped = loadAuthorizerModule(answerJwks);
  scopedPackage.remove();
  expect((await scoped.handler(event)).policyDocument.Statement[0].Effect).toBe("Deny");
  expect(JSON.parse(lines[lines.length - 1])).toMatchObject({ reason: "insufficient_scope" });

  for (const files of [{ [ROUTE_SCOPES_FILE]: "[not a table" }, { [ROUTE_SCOPES_FILE]: "[]" }, {}] as Record<string, string>[]) {
    const brokenPackage = packageFolder(files);
    const broken = loadAuthorizerModule(answerJwks);
    brokenPackage.remove();
    await expect(broken.handler(event)).rejects.toThrow(/^Unauthorized$/);
    expect(JSON.parse(lines[lines.length - 1])).toMatchObject({ reason: "config_error" });
  }
});

describe("ACCESS_TOKEN_VALIDITY_MINUTES (the stack sets it to the app client's access_token_validity)", () => {
  const serveJwks = (network: Network) => jest.spyOn(network, "fetch").mockImplementation(async () => body(jwksOf(key)));
  /** The decision lines from here on (the entry point writes them to stdout). */
  const decisions = () => {
    decisionLines.length = 0;
    return decisionLines;
  };

  it("bounds token lifetimes by it: a one-hour token is refused at 5 minutes, allowed at 60 and when unset", async () => {
    process.env.USER_POOL_ID = USER_POOL_ID;
    process.env.USER_POOL_CLIENT_ID = CLIENT_ID;
    for (const [value, allowed] of [["5", false], ["60", true], [undefined, true]] as const) {
      if (value === undefined) delete process.env.ACCESS_TOKEN_VALIDITY_MINUTES;
      else process.env.ACCESS_TOKEN_VALIDITY_MINUTES = value;
      const { handler } = loadAuthorizerModule(serveJwks);
      const logs = decisions();
      if (allowed) await expect(handler(event)).resolves.toHaveProperty("principalId");
      else await expect(handler(event)).rejects.toThrow(/^Unauthorized$/);
      expect(JSON.parse(logs[0]).reason).toBe(allowed ? "cert_bound" : "token_lifetime");
    }
  });

  it.each(["", "abc", "0", "4", "1441", " 60", "60.0", "1e2", "0x3c"])("fails closed (config_error) on every request with %p", async (value) => {
    process.env.USER_POOL_ID = USER_POOL_ID;
    process.env.USER_POOL_CLIENT_ID = CLIENT_ID;
    process.env.ACCESS_TOKEN_VALIDITY_MINUTES = value;
    const { handler } = loadAuthorizerModule(serveJwks);
    const logs = decisions();
    for (let i = 0; i < 2; i++) await expect(handler(event)).rejects.toThrow(/^Unauthorized$/);
    expect(logs.map((line) => JSON.parse(line).reason)).toEqual(["config_error", "config_error"]);
  });
});
