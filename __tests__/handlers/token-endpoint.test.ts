/**
 * handlers/token-endpoint.ts at handler level, on real certificates and CRLs: client
 * authentication per RFC 8705 §2 (tls_client_auth by subject DN and issuing CA,
 * self_signed_tls_client_auth by thumbprint), revocation, RFC 6749 errors, the voucher it hands
 * to Cognito, token reuse, decision lines, and the RFC 8414 metadata. Cognito's token endpoint is
 * the one stand-in (the AWS edge): it runs the real trigger with the request's client metadata and
 * returns the cnf the trigger chose.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPreTokenGenerationHandler } from "../../handlers/pre-token-generation";
import { createTokenEndpoint, fileRevocationSource, hmacVoucherMac, type ProxyEvent, type TokenClientSpec, type ClosableTokenEndpoint } from "../../handlers/token-endpoint";
import { TLS_CLIENT_AUTH_BINDING } from "../../handlers/lib/client-voucher";
import type { ClientCredentialsRequest } from "../../handlers/lib/cognito-client-credentials";
import { TokenRequestError } from "../../handlers/lib/cognito-client-credentials";
import { createCa, issueClientCert, type IssuedCertificate } from "../support/certificates";
import { libraryCrl } from "../support/crls";

const TLS = "6k2q7mbl0s5j3vcf1r8d4hn9pa";
const PINNED = "3n4b5urk1ft4fl3mg5e62d9ado";
const x5t = (cert: IssuedCertificate) => createHash("sha256").update(cert.der).digest("base64url");

let dir: string;
let ca: IssuedCertificate;
let otherCa: IssuedCertificate;
let partner: IssuedCertificate;
let rotated: IssuedCertificate;
let revoked: IssuedCertificate;
let fromOtherCa: IssuedCertificate;
let pinnedCert: IssuedCertificate;
let lines: string[];
let cognitoCalls: ClientCredentialsRequest[];
let endpoint: ClosableTokenEndpoint;
let clients: Record<string, TokenClientSpec>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cbat-token-endpoint-"));
  ca = await createCa("CN=Partner CA,O=cbat tests");
  otherCa = await createCa("CN=Other CA,O=cbat tests");
  // @peculiar/x509 encodes RDNs in the written order, so RFC 4514 (last RDN first) reads them reversed.
  partner = await issueClientCert(ca, "C=GB,O=Partner A,CN=payments", "ecdsa");
  rotated = await issueClientCert(ca, "C=GB,O=Partner A,CN=payments", "ecdsa");
  revoked = await issueClientCert(ca, "C=GB,O=Partner A,CN=payments", "ecdsa");
  fromOtherCa = await issueClientCert(otherCa, "C=GB,O=Partner A,CN=payments", "ecdsa");
  pinnedCert = await issueClientCert(ca, "CN=reporting,O=cbat tests", "ecdsa");
  writeFileSync(join(dir, "truststore.pem"), `${ca.pem}\n${otherCa.pem}\n`);
  writeFileSync(join(dir, "crls.pem"), Buffer.concat([await libraryCrl(ca, [revoked]), await libraryCrl(otherCa, [])]));
  clients = {
    [TLS]: { name: "partner-a", method: "tls_client_auth", subjectDn: "CN=payments,O=Partner A,C=GB", issuerDn: "o=cbat tests, cn=partner ca", scopes: ["cbat/invoke", "accounts/read"] },
    [PINNED]: { name: "reporting", method: "self_signed_tls_client_auth", x5tS256: x5t(pinnedCert), scopes: ["cbat/invoke"] },
  };
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  jest.restoreAllMocks();
});
afterEach(() => endpoint.close());
// The revocation store reports each load on console.log: captured, and checked once below.
const storeLines: string[] = [];
beforeAll(() => void jest.spyOn(console, "log").mockImplementation((line: string) => void storeLines.push(line)));

beforeEach(async () => {
  lines = [];
  cognitoCalls = [];
  const mac = hmacVoucherMac(randomBytes(32));
  const trigger = createPreTokenGenerationHandler({
    machineBindings: async (id) => (id === TLS ? TLS_CLIENT_AUTH_BINDING : id === PINNED ? x5t(pinnedCert) : undefined),
    voucherMac: mac,
  });
  endpoint = createTokenEndpoint({
    clients,
    baseUrl: "https://api.example.com",
    issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TestPool1",
    cognitoTokenEndpoint: "https://pool.auth.eu-west-1.amazoncognito.com/oauth2/token",
    secrets: async (name) => `secret-of-${name}`,
    voucherMac: mac,
    revocation: { source: fileRevocationSource({ crlFile: join(dir, "crls.pem"), truststoreFile: join(dir, "truststore.pem") }) },
    // Cognito's token endpoint (the AWS edge): the real trigger decides the binding.
    requestToken: async (request) => {
      cognitoCalls.push(request);
      const granted = request.scopes.length > 0 ? request.scopes : clients[request.clientId].scopes;
      if (granted.some((s) => !clients[request.clientId].scopes.includes(s))) throw new TokenRequestError(400, "invalid_scope");
      let result;
      try {
        result = await trigger({ version: "3", triggerSource: "TokenGeneration_ClientCredentials", callerContext: { clientId: request.clientId }, request: { userAttributes: {}, scopes: [...granted], clientMetadata: { ...request.clientMetadata } }, response: {} });
      } catch {
        throw new TokenRequestError(400, "invalid_request");
      }
      const cnf = (result.response.claimsAndScopeOverrideDetails as any).accessTokenGeneration.claimsToAddOrOverride.cnf;
      return { accessToken: Buffer.from(JSON.stringify({ client_id: request.clientId, cnf, n: cognitoCalls.length })).toString("base64url"), expiresIn: 3600, tokenType: "Bearer" };
    },
    decisionLog: (line) => lines.push(line),
  });
  // A request that waits for the first CRL load, so none is still reading when the folder goes.
  await endpoint(tokenRequest(pinnedCert, { grant_type: "client_credentials", client_id: PINNED, scope: "cbat/invoke" }));
  lines = [];
  cognitoCalls = [];
});

function tokenRequest(cert: IssuedCertificate | undefined, form: Record<string, string>, extra: Partial<ProxyEvent> = {}): ProxyEvent {
  return {
    httpMethod: "POST",
    resource: "/oauth2/token",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
    isBase64Encoded: false,
    requestContext: { requestId: "req-1", identity: cert ? { clientCert: { clientCertPem: cert.pem } } : {} },
    ...extra,
  };
}
const payload = (body: string) => JSON.parse(Buffer.from(JSON.parse(body).access_token, "base64url").toString());
const decisions = () => lines.map((line) => JSON.parse(line)).map(({ decision, reason, clientId }) => ({ decision, reason, clientId }));

describe("POST /oauth2/token", () => {
  test("tls_client_auth: a token bound to the presented certificate, no secret from the client", async () => {
    const answer = await endpoint(tokenRequest(partner, { grant_type: "client_credentials", client_id: TLS, scope: "accounts/read" }));
    expect(answer.statusCode).toBe(200);
    expect(answer.headers["cache-control"]).toBe("no-store");
    const body = JSON.parse(answer.body);
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3600, scope: "accounts/read" });
    expect(payload(answer.body).cnf).toEqual({ "x5t#S256": x5t(partner) });
    expect(cognitoCalls[0]).toMatchObject({ clientId: TLS, clientSecret: "secret-of-partner-a", scopes: ["accounts/read"] });
    expect(decisions()).toEqual([{ decision: "Allow", reason: "issued", clientId: TLS }]);
    expect(lines.join("\n")).not.toContain("secret-of");
  });

  test("a rotated certificate (same DN, same CA) gets tokens bound to it at once, and the old one still works", async () => {
    const fresh = await endpoint(tokenRequest(rotated, { grant_type: "client_credentials", client_id: TLS }));
    expect(payload(fresh.body).cnf).toEqual({ "x5t#S256": x5t(rotated) });
    const old = await endpoint(tokenRequest(partner, { grant_type: "client_credentials", client_id: TLS }));
    expect(payload(old.body).cnf).toEqual({ "x5t#S256": x5t(partner) });
  });

  test("the right DN from a CA other than the registered one is invalid_client", async () => {
    const answer = await endpoint(tokenRequest(fromOtherCa, { grant_type: "client_credentials", client_id: TLS }));
    expect([answer.statusCode, JSON.parse(answer.body).error]).toEqual([401, "invalid_client"]);
    expect(cognitoCalls).toHaveLength(0);
  });

  test("a revoked certificate is invalid_client, logged cert_revoked", async () => {
    const answer = await endpoint(tokenRequest(revoked, { grant_type: "client_credentials", client_id: TLS }));
    expect([answer.statusCode, JSON.parse(answer.body).error]).toEqual([401, "invalid_client"]);
    expect(decisions()).toEqual([{ decision: "Deny", reason: "cert_revoked", clientId: TLS }]);
    expect(cognitoCalls).toHaveLength(0);
  });

  test("another client's client_id, an unknown one, or no certificate is invalid_client", async () => {
    for (const [cert, clientId] of [[partner, PINNED], [pinnedCert, TLS], [partner, "unknownclient0000000000000"], [undefined, TLS]] as const) {
      const answer = await endpoint(tokenRequest(cert, { grant_type: "client_credentials", client_id: clientId }));
      expect([answer.statusCode, JSON.parse(answer.body).error]).toEqual([401, "invalid_client"]);
    }
    expect(decisions().map((d) => d.reason)).toEqual(["invalid_client", "invalid_client", "invalid_client", "invalid_client"]);
    expect(cognitoCalls).toHaveLength(0);
  });

  test("self_signed_tls_client_auth: the pinned certificate gets its token", async () => {
    const answer = await endpoint(tokenRequest(pinnedCert, { grant_type: "client_credentials", client_id: PINNED }));
    expect(answer.statusCode).toBe(200);
    expect(payload(answer.body).cnf).toEqual({ "x5t#S256": x5t(pinnedCert) });
  });

  test("RFC 6749 errors: invalid_scope 400, unsupported_grant_type 400, invalid_request 400, all no-store", async () => {
    const cases: Array<[ProxyEvent, number, string]> = [
      [tokenRequest(partner, { grant_type: "client_credentials", client_id: TLS, scope: "accounts/write" }), 400, "invalid_scope"],
      [tokenRequest(partner, { grant_type: "password", client_id: TLS }), 400, "unsupported_grant_type"],
      [tokenRequest(partner, { client_id: TLS }), 400, "invalid_request"],
      [tokenRequest(partner, { grant_type: "client_credentials" }), 400, "invalid_request"],
      [tokenRequest(partner, { grant_type: "client_credentials", client_id: TLS, client_secret: "x" }), 400, "invalid_request"],
      [tokenRequest(partner, {}, { body: `grant_type=client_credentials&client_id=${TLS}&client_id=${PINNED}` }), 400, "invalid_request"],
      [tokenRequest(partner, { grant_type: "client_credentials", client_id: TLS }, { headers: { "content-type": "application/json" } }), 400, "invalid_request"],
      [tokenRequest(partner, { grant_type: "client_credentials", client_id: TLS }, { httpMethod: "PUT" }), 405, "invalid_request"],
    ];
    for (const [event, status, error] of cases) {
      const answer = await endpoint(event);
      expect([answer.statusCode, JSON.parse(answer.body).error, answer.headers["cache-control"]]).toEqual([status, error, "no-store"]);
    }
    expect(cognitoCalls).toHaveLength(0);
  });

  test("a base64-encoded body is read", async () => {
    const body = Buffer.from(`grant_type=client_credentials&client_id=${TLS}`).toString("base64");
    const answer = await endpoint(tokenRequest(partner, {}, { body, isBase64Encoded: true }));
    expect(answer.statusCode).toBe(200);
  });

  test("a still-fresh token is reused for the same client, certificate and scopes only", async () => {
    const ask = (cert: IssuedCertificate, scope?: string) => endpoint(tokenRequest(cert, { grant_type: "client_credentials", client_id: TLS, ...(scope ? { scope } : {}) }));
    const first = await ask(partner, "accounts/read");
    const again = await ask(partner, "accounts/read");
    expect(JSON.parse(again.body).access_token).toBe(JSON.parse(first.body).access_token);
    expect(cognitoCalls).toHaveLength(1);
    await ask(rotated, "accounts/read");
    await ask(partner, "cbat/invoke");
    expect(cognitoCalls).toHaveLength(3);
    expect(lines.map((line) => JSON.parse(line).reused)).toEqual([false, true, false, false]);
  });

  test("a voucher the trigger refuses issues nothing: 500 server_error, logged voucher_invalid", async () => {
    const wrongKey = createTokenEndpoint({
      clients, baseUrl: "https://api.example.com", issuer: "https://issuer", cognitoTokenEndpoint: "https://cognito",
      secrets: async () => "s", voucherMac: hmacVoucherMac(randomBytes(32)), decisionLog: (line) => lines.push(line),
      requestToken: async () => {
        throw new TokenRequestError(400, "invalid_request");
      },
    });
    const answer = await wrongKey(tokenRequest(partner, { grant_type: "client_credentials", client_id: TLS }));
    wrongKey.close();
    expect([answer.statusCode, JSON.parse(answer.body)]).toEqual([500, { error: "server_error" }]);
    expect(decisions()).toEqual([{ decision: "Deny", reason: "voucher_invalid", clientId: TLS }]);
  });
});

test("the CRLs were loaded (the revocation checks above ran on them)", () => {
  expect(storeLines.map((line) => JSON.parse(line))).toContainEqual(expect.objectContaining({ message: "revocation list loaded", crls: 2, revoked: 1 }));
});

describe("GET /.well-known/oauth-authorization-server", () => {
  test("RFC 8414 metadata with the mTLS aliases of RFC 8705 §5", async () => {
    const answer = await endpoint({ httpMethod: "GET", resource: "/.well-known/oauth-authorization-server", requestContext: {} });
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({
      issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TestPool1",
      token_endpoint: "https://api.example.com/oauth2/token",
      grant_types_supported: ["client_credentials"],
      token_endpoint_auth_methods_supported: ["tls_client_auth", "self_signed_tls_client_auth"],
      tls_client_certificate_bound_access_tokens: true,
      mtls_endpoint_aliases: { token_endpoint: "https://api.example.com/oauth2/token" },
      scopes_supported: ["accounts/read", "cbat/invoke"],
    });
    expect(lines).toEqual([]);
  });
});

describe("configuration", () => {
  test("a bad DN or method fails at creation, naming the client", () => {
    const base = { baseUrl: "https://a", issuer: "https://i", cognitoTokenEndpoint: "https://c", secrets: async () => "s", voucherMac: hmacVoucherMac(randomBytes(32)) };
    expect(() => createTokenEndpoint({ ...base, clients: { [TLS]: { name: "a", method: "tls_client_auth", subjectDn: "CN=a,,O=b", scopes: [] } } })).toThrow(/character/);
    expect(() => createTokenEndpoint({ ...base, clients: { [TLS]: { name: "a", method: "private_key_jwt" as any, scopes: [] } } })).toThrow(new RegExp(`clients.${TLS}.method`));
    expect(() => createTokenEndpoint({ ...base, clients: { [TLS]: { name: "a", method: "tls_client_auth", scopes: [] } } })).toThrow(/subjectDn: required/);
  });
});
