/**
 * Issue 21, defect 1 ("every network call of every handler needs a deadline that actually
 * aborts"), for the calls the S3 and registry tests do not cover: the token function's KMS
 * GenerateMac, SSM SecureString read and Cognito request, and the trigger's KMS VerifyMac. The
 * real AWS SDK clients and fetch talk to a real loopback server that accepts every connection and
 * never answers. Before the deadlines, the SDK calls only warned at requestTimeout and kept
 * waiting, so each of these tests ran into Jest's timeout. The authorizer's one network call, the
 * JWKS download at cold start, is aws-jwt-verify's default fetcher: checked here too.
 */
import { SimpleFetcher } from "aws-jwt-verify/https";
import { createHash, randomBytes } from "node:crypto";
import type { Socket } from "node:net";
import { createPreTokenGenerationHandler } from "../../handlers/pre-token-generation";
import { createTokenEndpoint, hmacVoucherMac, type ProxyEvent, type TokenClientSpec } from "../../handlers/token-endpoint";
import { ClientSecretError, ssmClientSecrets } from "../../handlers/lib/client-secret-store";
import { issueVoucher, TLS_CLIENT_AUTH_BINDING, VOUCHER_METADATA_KEY } from "../../handlers/lib/client-voucher";
import { cognitoClientCredentials } from "../../handlers/lib/cognito-client-credentials";
import { DeadlineError } from "../../handlers/lib/deadline";
import { DENY_REASONS } from "../../handlers/lib/errors";
import { kmsVoucherMac } from "../../handlers/lib/kms-voucher-mac";
import { createCa, issueClientCert, type IssuedCertificate } from "../support/certificates";
import { lambdaCredentialsForSuite } from "../support/lambda-credentials";
import { TestServers } from "../support/test-servers";

jest.setTimeout(10_000); // before the deadlines, each call hung until this
const DEADLINE = 400;
const PINNED = "3n4b5urk1ft4fl3mg5e62d9ado";
const KEY_ARN = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const servers = new TestServers();
const accepted = new Set<Socket>();
lambdaCredentialsForSuite();
let silent: string;
let client: IssuedCertificate;
let x5t: string;

beforeAll(async () => {
  silent = await servers.silent((socket) => accepted.add(socket));
  client = await issueClientCert(await createCa("CN=Deadline CA,O=cbat tests"), "CN=reporting,O=cbat tests", "ecdsa");
  x5t = createHash("sha256").update(client.der).digest("base64url");
});
beforeEach(() => accepted.clear());
afterAll(async () => {
  await servers.close();
});

/** Runs `work`, expects it to fail, and returns the failure and how long it took. */
async function failureOf(work: () => Promise<unknown>): Promise<{ error: Error; elapsed: number }> {
  const started = Date.now();
  try {
    await work();
  } catch (error) {
    return { error: error as Error, elapsed: Date.now() - started };
  }
  throw new Error("it did not fail");
}

/** The deadline, not a refused connection or Jest, ended it. */
function endedByTheDeadline(elapsed: number): void {
  expect(accepted.size).toBeGreaterThan(0);
  expect(elapsed).toBeGreaterThanOrEqual(DEADLINE - 50);
  expect(elapsed).toBeLessThan(DEADLINE + 2500);
}

describe("the calls themselves", () => {
  it("KMS GenerateMac and VerifyMac end at their deadline", async () => {
    const mac = kmsVoucherMac({ keyId: KEY_ARN, endpoint: silent, deadlineMilliseconds: DEADLINE });
    for (const call of [() => mac.generate(Buffer.from("m")), () => mac.verify(Buffer.from("m"), Buffer.alloc(32))]) {
      const { error, elapsed } = await failureOf(call);
      expect(error).toBeInstanceOf(DeadlineError);
      expect(error.message).toMatch(new RegExp(`^KMS (GenerateMac|VerifyMac) took longer than ${DEADLINE} ms$`));
      endedByTheDeadline(elapsed);
    }
  });

  it("the SSM client secret read ends at its deadline, naming the parameter and never a value", async () => {
    const secrets = ssmClientSecrets({ parameterPrefix: "/cert-bound-api/token-endpoint/client-secret/", endpoint: silent, deadlineMilliseconds: DEADLINE });
    const { error, elapsed } = await failureOf(() => secrets("reporting"));
    expect(error).toEqual(new ClientSecretError(`cannot read the client secret parameter /cert-bound-api/token-endpoint/client-secret/reporting (no answer within ${DEADLINE} ms)`));
    endedByTheDeadline(elapsed);
  });

  it("the request to Cognito's token endpoint ends at its deadline", async () => {
    const requestToken = cognitoClientCredentials(DEADLINE);
    const { error, elapsed } = await failureOf(() => requestToken({ tokenEndpoint: `${silent}/oauth2/token`, clientId: PINNED, clientSecret: "s3cret", scopes: [], clientMetadata: {} }));
    expect(error.name).toBe("TimeoutError");
    expect(error.message).not.toContain("s3cret");
    endedByTheDeadline(elapsed);
  });

  it("the authorizer's JWKS download (aws-jwt-verify's default fetcher, which CognitoJwtVerifier uses) ends too", async () => {
    // Its own deadlines: 1.5 s socket idle, 3 s response, one retry; the first request waits for it and fails closed.
    const { error, elapsed } = await failureOf(() => new SimpleFetcher().fetch(`${silent.replace("http:", "https:")}/.well-known/jwks.json`));
    expect(error.message).toMatch(/time-?out/i);
    expect(accepted.size).toBeGreaterThan(0);
    expect(elapsed).toBeLessThan(9000); // two attempts of 3 s
  });

  it("refuses a deadline that is not a positive integer", () => {
    expect(() => kmsVoucherMac({ keyId: KEY_ARN, deadlineMilliseconds: 0 })).toThrow(/deadlineMilliseconds/);
    expect(() => ssmClientSecrets({ parameterPrefix: "/a/", deadlineMilliseconds: 1.5 })).toThrow(/deadlineMilliseconds/);
  });
});

describe("the token function answers RFC 6749 JSON, not a gateway timeout, and logs why", () => {
  const clients: Record<string, TokenClientSpec> = { [PINNED]: { name: "reporting", method: "self_signed_tls_client_auth", x5tS256: "", scopes: ["cbat/invoke"] } };
  const request = (): ProxyEvent => ({
    httpMethod: "POST", resource: "/oauth2/token", headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `grant_type=client_credentials&client_id=${PINNED}`, requestContext: { requestId: "req-1", identity: { clientCert: { clientCertPem: client.pem } } },
  });

  it.each([
    ["KMS GenerateMac hangs", () => ({ voucherMac: kmsVoucherMac({ keyId: KEY_ARN, endpoint: silent, deadlineMilliseconds: DEADLINE }), secrets: async () => "s" })],
    ["the SSM secret read hangs", () => ({
      voucherMac: hmacVoucherMac(randomBytes(32)),
      secrets: ssmClientSecrets({ parameterPrefix: "/cert-bound-api/token-endpoint/client-secret/", endpoint: silent, deadlineMilliseconds: DEADLINE }),
    })],
  ])("%s: 500 server_error, no-store, decision internal_error, no Cognito request", async (_name, dependencies) => {
    const lines: string[] = [];
    let cognitoRequests = 0;
    const endpoint = createTokenEndpoint({
      clients: { [PINNED]: { ...clients[PINNED], x5tS256: x5t } }, baseUrl: "https://api.example.com", issuer: "https://issuer", cognitoTokenEndpoint: "https://cognito",
      ...dependencies(), decisionLog: (line) => lines.push(line),
      requestToken: async () => (cognitoRequests++, { accessToken: "never", expiresIn: 3600, tokenType: "Bearer" }),
    });
    const started = Date.now();
    const answer = await endpoint(request());
    endpoint.close();
    endedByTheDeadline(Date.now() - started);
    expect([answer.statusCode, answer.headers["cache-control"], JSON.parse(answer.body)]).toEqual([500, "no-store", { error: "server_error" }]);
    expect(cognitoRequests).toBe(0);
    const logged = lines.map((line) => JSON.parse(line));
    expect(logged).toEqual([expect.objectContaining({ decision: "Deny", reason: "internal_error", clientId: PINNED })]);
    expect(DENY_REASONS).toContain(logged[0].reason);
  });
});

it("the trigger issues no token when KMS VerifyMac hangs: it throws at the deadline", async () => {
  const trigger = createPreTokenGenerationHandler({
    machineBindings: async () => TLS_CLIENT_AUTH_BINDING,
    voucherMac: kmsVoucherMac({ keyId: KEY_ARN, endpoint: silent, deadlineMilliseconds: DEADLINE }),
  });
  // A well-formed, fresh voucher, so the trigger has to ask KMS.
  const voucher = await issueVoucher(hmacVoucherMac(randomBytes(32)), PINNED, x5t, Date.now() / 1000);
  const { error, elapsed } = await failureOf(() => trigger({
    version: "3", triggerSource: "TokenGeneration_ClientCredentials", callerContext: { clientId: PINNED },
    request: { userAttributes: {}, clientMetadata: { [VOUCHER_METADATA_KEY]: voucher } }, response: {},
  }));
  expect(error).toEqual(new DeadlineError(`KMS VerifyMac took longer than ${DEADLINE} ms`));
  endedByTheDeadline(elapsed);
});
