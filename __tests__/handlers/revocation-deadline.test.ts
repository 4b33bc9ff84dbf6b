/**
 * Issue 21, defect 1: a hung S3 request must not freeze revocation. Real loopback servers: one
 * that accepts connections and never answers, and an S3 stand-in (path-style GetObject with
 * ETags) that can be told to hang. The AWS SDK's own S3 client talks to them.
 */
import { createHash } from "node:crypto";
import { createServer as createHttpServer } from "node:http";
import { createAuthorizer, s3RevocationSource, type AuthorizerHandler } from "../../handlers/authorizer";
import { certificateIdentity } from "../../handlers/lib/certificate-identity";
import { withDeadline, DeadlineError } from "../../handlers/lib/deadline";
import { RevocationStore, type RevocationSource } from "../../handlers/lib/revocation-store";
import { createCa, issueClientCert, type IssuedCertificate } from "../support/certificates";
import { opensslCrl } from "../support/crls";
import { requestAuthorizerEvent } from "../support/events";
import { TestServers } from "../support/test-servers";
import { accessTokenClaims, CLIENT_ID, createSigningKey, jwksOf, signJwt, USER_POOL_ID, type SigningKey } from "../support/tokens";

jest.setTimeout(30_000);
const servers = new TestServers();
const closers: Array<() => void> = [];
let lines: string[];
let key: SigningKey;
let ca: IssuedCertificate;
let alice: IssuedCertificate;
let bob: IssuedCertificate;

beforeAll(async () => {
  key = createSigningKey();
  ca = await createCa("CN=Deadline CA,O=cbat tests");
  alice = await issueClientCert(ca, "CN=alice");
  bob = await issueClientCert(ca, "CN=bob");
});
beforeEach(() => {
  lines = [];
  jest.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
  jest.spyOn(console, "warn").mockImplementation((line: string) => void lines.push(String(line)));
});
afterEach(() => jest.restoreAllMocks());
afterAll(async () => {
  closers.forEach((close) => close());
  await new Promise((resolve) => setTimeout(resolve, 1500)); // a refresh in flight ends at its 1 s deadline
  await servers.close();
});

const logged = () => lines.filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as Record<string, unknown>);
const failures = (source?: string) => logged().filter((entry) => entry.message === "revocation list refresh failed" && (source === undefined || entry.source === source));

async function eventually(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not within ${timeoutMs} ms`);
}

const s3Source = (endpoint: string, timeoutSeconds = 1) => s3RevocationSource({
  bucket: "truststores", crlKey: "crls.pem", truststoreKey: "truststore.pem",
  region: "eu-west-1", endpoint, forcePathStyle: true, credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "stand-in" }, timeoutSeconds,
});

it("withDeadline aborts the work's signal and rejects at the deadline, even when the work ignores the signal", async () => {
  let aborted = false;
  const never = (signal: AbortSignal) => {
    signal.addEventListener("abort", () => (aborted = true));
    return new Promise<never>(() => undefined);
  };
  await expect(withDeadline(50, "the test read", never)).rejects.toThrow(new DeadlineError("the test read took longer than 50 ms"));
  expect(aborted).toBe(true);
  await expect(withDeadline(1000, "a quick read", async () => 7)).resolves.toBe(7);
});

it("an S3 read against a server that accepts and never answers fails at its deadline (it hung forever before)", async () => {
  const source = s3Source(await servers.silent(), 1);
  const started = Date.now();
  await expect(source.read(undefined)).rejects.toThrow(/took longer than 1000 ms|TimeoutError|exceeded/);
  expect(Date.now() - started).toBeLessThan(20_000); // the deadline, not Jest's timeout, ended it
});

it("the store abandons a source read that never settles, logs it, and starts the next refresh", async () => {
  let reads = 0;
  const hanging: RevocationSource = { description: "a source that never answers", read: () => (reads++, new Promise(() => undefined)) };
  const store = new RevocationStore({ source: hanging, refreshSeconds: 1, graceSeconds: 0, readDeadlineMs: 300 });
  closers.push(() => store.close());
  await store.pending();
  expect(failures()[0]).toMatchObject({ level: "ERROR", source: "a source that never answers", error: "reading a source that never answers took longer than 300 ms" });
  await eventually(() => reads >= 3 && failures("a source that never answers").length >= 3, 8000);
  expect(store.statusOf(certificateIdentity(bob.der))).toBe("stale");
  store.close();
});

it("the store survives a source that throws synchronously, and logs each failure", async () => {
  let reads = 0;
  const throwing: RevocationSource = { description: "a throwing source", read: () => { reads++; throw new Error("boom"); } };
  const store = new RevocationStore({ source: throwing, refreshSeconds: 1, graceSeconds: 0 });
  closers.push(() => store.close());
  await store.pending();
  await eventually(() => reads >= 2 && failures("a throwing source").length >= 2, 5000);
  expect(failures("a throwing source").every((entry) => entry.error === "boom")).toBe(true);
  store.close();
});

describe("through the authorizer, with an S3 stand-in that hangs one GetObject", () => {
  const objects = new Map<string, Buffer>();
  let hanging = false;
  let hung = 0;
  let endpoint: string;

  beforeAll(async () => {
    const server = createHttpServer((req, res) => {
      if (hanging) return void hung++; // accepted, never answered
      const path = new URL(req.url ?? "/", "http://s3").pathname;
      const body = objects.get(path);
      if (!body) return void res.writeHead(404).end();
      const etag = `"${createHash("md5").update(body).digest("hex")}"`;
      if (req.headers["if-none-match"] === etag) return void res.writeHead(304, { ETag: etag }).end();
      res.writeHead(200, { ETag: etag, "Content-Length": body.length }).end(body);
    });
    endpoint = `http://127.0.0.1:${await servers.listen(server)}`;
    objects.set("/truststores/truststore.pem", Buffer.from(ca.pem));
    objects.set("/truststores/crls.pem", opensslCrl(ca, [alice]));
  });

  const eventFor = (cert: IssuedCertificate) => requestAuthorizerEvent({
    authorization: `Bearer ${signJwt(key, accessTokenClaims({ cnf: { "x5t#S256": createHash("sha256").update(cert.der).digest("base64url") } }))}`,
    certPem: cert.pem,
  });
  const outcome = async (authorize: AuthorizerHandler, cert: IssuedCertificate) => {
    try {
      return (await authorize(eventFor(cert))).policyDocument.Statement[0].Effect;
    } catch {
      return String(logged().filter((entry) => entry.message === "authorizer decision").pop()?.reason);
    }
  };

  it("a CRL published after S3 hung once is applied within seconds (it was never applied before)", async () => {
    // The authorizer has no close(): after the test its source answers "unchanged", which logs nothing.
    const s3 = s3Source(endpoint, 1);
    let stopped = false;
    closers.push(() => (stopped = true));
    const source: RevocationSource = { description: s3.description, read: (current) => (stopped ? Promise.resolve(undefined) : s3.read(current)) };
    const authorize = createAuthorizer({ userPoolId: USER_POOL_ID, clientId: CLIENT_ID, jwks: jwksOf(key), revocation: { source, refreshSeconds: 1 } });
    expect(await outcome(authorize, alice)).toBe("cert_revoked");
    expect(await outcome(authorize, bob)).toBe("Allow");
    hanging = true;
    await eventually(async () => (await outcome(authorize, bob), hung > 0), 5000);
    objects.set("/truststores/crls.pem", opensslCrl(ca, [alice, bob]));
    hanging = false;
    await eventually(async () => (await outcome(authorize, bob)) === "cert_revoked", 15_000);
    expect(failures().length).toBeGreaterThan(0);
    expect(JSON.stringify(logged())).not.toContain("AKIDEXAMPLE");
  });
});
