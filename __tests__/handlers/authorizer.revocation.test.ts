/**
 * The authorizer with revocation checking on: real certificates, real tokens, real CRLs
 * (openssl), from files and from S3. S3 is the one edge we cannot reach: the AWS SDK's own S3
 * client talks to a stand-in on 127.0.0.1 (path-style GetObject with ETags and 304s, and a
 * switch that makes it fail), which is all the authorizer asks of S3.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAuthorizer, fileRevocationSource, s3RevocationSource, type AuthorizerHandler, type RevocationSource } from "../../handlers/authorizer";
import { certificateIdentity } from "../../handlers/lib/certificate-identity";
import { RevocationStore } from "../../handlers/lib/revocation-store";
import { createCa, issueClientCert, type IssuedCertificate } from "../support/certificates";
import { opensslCrl } from "../support/crls";
import { requestAuthorizerEvent } from "../support/events";
import { accessTokenClaims, CLIENT_ID, createSigningKey, jwksOf, signJwt, USER_POOL_ID, type SigningKey } from "../support/tokens";

const HOUR = 3_600_000;
let key: SigningKey;
let ca: IssuedCertificate;
let alice: IssuedCertificate;
let bob: IssuedCertificate;
let lines: string[];
const closers: Array<() => void> = [];

beforeAll(async () => {
  key = createSigningKey();
  ca = await createCa("CN=Authorizer Revocation CA,O=cbat tests");
  alice = await issueClientCert(ca, "CN=alice");
  bob = await issueClientCert(ca, "CN=bob", "ecdsa");
});
// Captured for the whole file, and left so: an authorizer's store refreshes on its (unref'd) timer
// for as long as the process lives, as on Lambda, and a refresh may still be in flight at the end.
beforeAll(() => {
  jest.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
});
beforeEach(() => {
  lines = [];
});
let ended = false;
afterAll(() => {
  ended = true;
  closers.forEach((close) => close());
});
/** The source until the file ends, then "unchanged": the refresh timers of its authorizers stop reading files and S3. */
const untilEnd = (source: RevocationSource): RevocationSource => ({
  description: source.description,
  read: (current) => (ended ? Promise.resolve(undefined) : source.read(current)),
});

const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
const decisions = () => logged().filter((entry) => entry.message === "authorizer decision");
const eventFor = (cert: IssuedCertificate) => requestAuthorizerEvent({
  authorization: `Bearer ${signJwt(key, accessTokenClaims({ cnf: { "x5t#S256": createHash("sha256").update(cert.der).digest("base64url") } }))}`,
  certPem: cert.pem,
});

/** Allowed, or the deny reason of the decision log. */
async function outcome(authorize: AuthorizerHandler, cert: IssuedCertificate): Promise<string> {
  lines = [];
  try {
    const result = await authorize(eventFor(cert));
    return result.policyDocument.Statement[0].Effect === "Allow" ? "allowed" : "denied";
  } catch (error) {
    expect((error as Error).message).toBe("Unauthorized");
    const [decision] = decisions();
    return String(decision.reason);
  }
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not within ${timeoutMs} ms`);
}

function files(crl: Buffer) {
  const dir = mkdtempSync(join(tmpdir(), "cbat-revocation-"));
  const crlFile = join(dir, "crl.pem");
  const truststoreFile = join(dir, "truststore.pem");
  writeFileSync(crlFile, crl);
  writeFileSync(truststoreFile, ca.pem);
  /** Replaces the CRL atomically, as `cbat pki revoke` does. */
  const publish = (next: Buffer) => {
    writeFileSync(`${crlFile}.tmp`, next);
    renameSync(`${crlFile}.tmp`, crlFile);
  };
  return { crlFile, truststoreFile, publish };
}

function fileAuthorizer(crlFile: string, truststoreFile: string, refreshSeconds = 300, graceSeconds = 3600): AuthorizerHandler {
  return createAuthorizer({
    userPoolId: USER_POOL_ID, clientId: CLIENT_ID, jwks: jwksOf(key),
    revocation: { source: untilEnd(fileRevocationSource({ crlFile, truststoreFile })), refreshSeconds, graceSeconds },
  });
}

it("denies a revoked certificate (cert_revoked) and allows the others", async () => {
  const { crlFile, truststoreFile } = files(opensslCrl(ca, [alice]));
  const authorize = fileAuthorizer(crlFile, truststoreFile);
  expect(await outcome(authorize, alice)).toBe("cert_revoked");
  expect(await outcome(authorize, bob)).toBe("allowed");
});

it("refuses everything when the CRL was not signed by a truststore CA, and says so in the log", async () => {
  const rogue = await createCa("CN=Somebody Else,O=elsewhere");
  const { crlFile, truststoreFile } = files(opensslCrl(rogue, []));
  const authorize = fileAuthorizer(crlFile, truststoreFile);
  expect(await outcome(authorize, bob)).toBe("crl_stale");
  lines = [];
  await fileAuthorizer(crlFile, truststoreFile)(eventFor(bob)).catch(() => undefined);
  expect(logged()).toEqual(expect.arrayContaining([expect.objectContaining({
    level: "ERROR", message: "revocation list refresh failed", error: "CRL 1 was issued by CN=Somebody Else, O=elsewhere, which is not a CA of the truststore",
  })]));
});

it("an expired CRL: allowed within the grace, crl_stale after it", async () => {
  const expired = opensslCrl(ca, [], { thisUpdate: new Date(Date.now() - 3 * HOUR), nextUpdate: new Date(Date.now() - 2 * HOUR) });
  const { crlFile, truststoreFile } = files(expired);
  expect(await outcome(fileAuthorizer(crlFile, truststoreFile, 300, 3 * 3600), bob)).toBe("allowed");
  expect(await outcome(fileAuthorizer(crlFile, truststoreFile, 300, 3600), bob)).toBe("crl_stale");
});

it("a refresh picks up a new revocation without a cold start (same authorizer instance)", async () => {
  const { crlFile, truststoreFile, publish } = files(opensslCrl(ca, []));
  const authorize = fileAuthorizer(crlFile, truststoreFile, 1);
  expect(await outcome(authorize, alice)).toBe("allowed");
  publish(opensslCrl(ca, [alice]));
  await eventually(async () => (await outcome(authorize, alice)) === "cert_revoked", 5000);
  expect(await outcome(authorize, bob)).toBe("allowed");
});

it("refuses to start with invalid revocation options", () => {
  const source = fileRevocationSource({ crlFile: "/x", truststoreFile: "/y" });
  const base = { userPoolId: USER_POOL_ID, clientId: CLIENT_ID, jwks: jwksOf(key) };
  expect(() => createAuthorizer({ ...base, revocation: { source, refreshSeconds: 0 } })).toThrow(/refreshSeconds must be a whole number of seconds from 1 to 86400/);
  expect(() => createAuthorizer({ ...base, revocation: { source, graceSeconds: -1 } })).toThrow(/graceSeconds must be a whole number/);
  expect(() => createAuthorizer({ ...base, revocation: { source: {} as never } })).toThrow(/revocation.source must be a revocation source/);
});

describe("from S3 (a loopback stand-in for S3)", () => {
  let server: Server;
  let endpoint: string;
  const objects = new Map<string, Buffer>();
  const requests: Array<{ path: string; ifNoneMatch?: string; status: number; versionId?: string | null }> = [];
  let failing = false;

  beforeAll(async () => {
    // Path-style GetObject: GET /<bucket>/<key>, ETag = MD5 of the body, 304 on a matching If-None-Match.
    server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://s3");
      const path = url.pathname; // the SDK adds ?x-id=GetObject
      const body = objects.get(path);
      const etag = body && `"${createHash("md5").update(body).digest("hex")}"`;
      const status = failing ? 503 : !body ? 404 : req.headers["if-none-match"] === etag ? 304 : 200;
      requests.push({ path, ifNoneMatch: req.headers["if-none-match"], status, versionId: url.searchParams.get("versionId") });
      if (status === 200) {
        res.writeHead(200, { ETag: etag!, "Content-Length": body!.length, "Content-Type": "application/octet-stream" });
        res.end(body);
      } else if (status === 304) {
        res.writeHead(304, { ETag: etag! });
        res.end();
      } else {
        const code = status === 404 ? "NoSuchKey" : "SlowDown";
        res.writeHead(status, { "Content-Type": "application/xml" });
        res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>stand-in says ${code}</Message></Error>`);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    failing = false;
    requests.length = 0;
    objects.set("/truststores/truststore.pem", Buffer.from(ca.pem));
    objects.set("/truststores/crls.pem", opensslCrl(ca, [alice]));
  });

  const source = (truststoreVersion?: string) => s3RevocationSource({
    bucket: "truststores", crlKey: "crls.pem", truststoreKey: "truststore.pem", truststoreVersion,
    region: "eu-west-1", endpoint, forcePathStyle: true, credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "stand-in" }, timeoutSeconds: 2,
  });

  it("loads both objects at start, then refreshes with conditional requests", async () => {
    const store = new RevocationStore({ source: source(), refreshSeconds: 300, graceSeconds: 3600 });
    closers.push(() => store.close());
    await store.pending();
    expect(store.statusOf(certificateIdentity(alice.der))).toBe("revoked");
    expect(store.statusOf(certificateIdentity(bob.der))).toBe("good");
    expect(requests.map((r) => [r.path, r.status]).sort()).toEqual([["/truststores/crls.pem", 200], ["/truststores/truststore.pem", 200]]);
    requests.length = 0;
    await store.refresh();
    expect(requests.map((r) => r.status)).toEqual([304, 304]);
    expect(requests.every((r) => r.ifNoneMatch?.startsWith('"'))).toBe(true);
  });

  it("reads the truststore at the version the custom domain uses (TRUSTSTORE_VERSION), the CRL bundle at its latest", async () => {
    const versioned = source("3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY");
    expect(versioned.description).toBe("s3://truststores/crls.pem with truststore s3://truststores/truststore.pem (version 3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY)");
    const store = new RevocationStore({ source: versioned, refreshSeconds: 300, graceSeconds: 3600 });
    closers.push(() => store.close());
    await store.pending();
    expect(store.statusOf(certificateIdentity(alice.der))).toBe("revoked");
    expect(Object.fromEntries(requests.map((r) => [r.path, r.versionId]))).toEqual({ "/truststores/truststore.pem": "3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY", "/truststores/crls.pem": null });
  });

  it("keeps the last good list when S3 fails during a refresh, and logs it", async () => {
    const store = new RevocationStore({ source: source(), refreshSeconds: 300, graceSeconds: 3600 });
    closers.push(() => store.close());
    await store.pending();
    failing = true;
    lines = [];
    await store.refresh();
    expect(requests.some((r) => r.status === 503)).toBe(true);
    expect(store.statusOf(certificateIdentity(alice.der))).toBe("revoked");
    expect(store.statusOf(certificateIdentity(bob.der))).toBe("good");
    const [failure] = logged().filter((entry) => entry.message === "revocation list refresh failed");
    expect(failure).toMatchObject({ level: "ERROR", source: "s3://truststores/crls.pem with truststore s3://truststores/truststore.pem", keeping: expect.stringMatching(/^the list loaded at \d{4}-/) });
    expect(JSON.stringify(failure)).not.toContain("stand-in\"}"); // no credentials in the log
    expect(JSON.stringify(logged())).not.toContain("AKIDEXAMPLE");
  });

  it("through the authorizer: S3 failing on refresh changes nothing, and a new CRL is picked up once S3 is back", async () => {
    const authorize = createAuthorizer({ userPoolId: USER_POOL_ID, clientId: CLIENT_ID, jwks: jwksOf(key), revocation: { source: untilEnd(source()), refreshSeconds: 1 } });
    expect(await outcome(authorize, alice)).toBe("cert_revoked");
    expect(await outcome(authorize, bob)).toBe("allowed");
    failing = true;
    await eventually(async () => requests.some((r) => r.status === 503), 5000);
    expect(await outcome(authorize, alice)).toBe("cert_revoked");
    expect(await outcome(authorize, bob)).toBe("allowed");
    objects.set("/truststores/crls.pem", opensslCrl(ca, [alice, bob]));
    failing = false;
    await eventually(async () => (await outcome(authorize, bob)) === "cert_revoked", 5000);
  });

  it("with S3 down at the cold start, every certificate is refused (crl_stale) until a load succeeds", async () => {
    failing = true;
    const authorize = createAuthorizer({ userPoolId: USER_POOL_ID, clientId: CLIENT_ID, jwks: jwksOf(key), revocation: { source: untilEnd(source()), refreshSeconds: 2 } });
    expect(await outcome(authorize, bob)).toBe("crl_stale");
    failing = false;
    await eventually(async () => (await outcome(authorize, bob)) === "allowed", 10_000);
    expect(await outcome(authorize, alice)).toBe("cert_revoked");
  });

  it("a missing object is a failed load, named in the log", async () => {
    objects.delete("/truststores/crls.pem");
    const store = new RevocationStore({ source: source(), refreshSeconds: 300, graceSeconds: 3600 });
    closers.push(() => store.close());
    await store.pending();
    expect(store.statusOf(certificateIdentity(bob.der))).toBe("stale");
    expect(logged()).toEqual(expect.arrayContaining([expect.objectContaining({ message: "revocation list refresh failed", error: expect.stringMatching(/^NoSuchKey/) })]));
  });
});
