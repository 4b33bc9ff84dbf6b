/**
 * `cbat call` failures against real sockets, each cause said apart with a one-line hint:
 * nothing listening, a name that does not resolve, no answer in time, the server refusing the
 * TLS handshake (our client certificate), the server's certificate not trusted or not for this
 * name, a port that does not speak TLS; and files that are missing or do not fit together.
 */
import { createServer as createHttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createTcpServer } from "node:net";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCa, issueCertificate } from "../../local/pki";
import { expectRefusal as expectCliRefusal, runCli, type CliResult } from "../support/run-cli";
import { TestServers } from "../support/test-servers";

const dir = mkdtempSync(join(tmpdir(), "cbat-call-errors-"));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl";
const servers = new TestServers();
const pem: Record<string, string> = {};
const port: Record<string, number> = {};

beforeAll(async () => {
  const ca = await createCa("CN=Call Errors CA");
  const otherCa = await createCa("CN=Somebody Else's CA");
  const server = await issueCertificate(ca, "CN=localhost", { usage: "server", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"] });
  const nameOnly = await issueCertificate(ca, "CN=api.example.com", { usage: "server", dnsNames: ["api.example.com"] });
  const client = await issueCertificate(ca, "CN=client");
  const rogue = await issueCertificate(otherCa, "CN=rogue");
  Object.assign(pem, {
    ca: file("ca.pem", ca.pem), client: file("client.pem", client.pem), clientKey: file("client-key.pem", client.privateKeyPem),
    rogue: file("rogue.pem", rogue.pem), rogueKey: file("rogue-key.pem", rogue.privateKeyPem),
  });
  const mtls = { key: server.privateKeyPem, cert: server.pem, ca: ca.pem, requestCert: true, rejectUnauthorized: true };
  const hello = (_req: unknown, res: { end: (body: string) => void }) => res.end("hello");
  port.mtls = await servers.listen(createHttpsServer(mtls, hello));
  port.mtls12 = await servers.listen(createHttpsServer({ ...mtls, maxVersion: "TLSv1.2" }, hello));
  port.wrongName = await servers.listen(createHttpsServer({ ...mtls, key: nameOnly.privateKeyPem, cert: nameOnly.pem }, hello));
  port.plainHttp = await servers.listen(createHttpServer(hello));
  port.silent = await servers.listen(createTcpServer(() => undefined)); // accepts, never answers
  port.closed = await servers.closedPort();
}, 60_000);

afterAll(() => servers.close());

const call = (url: string, ...args: string[]) => runCli(["call", url, "--token", TOKEN, ...args]);
const withClient = (name: string, ...args: string[]) => call(`https://127.0.0.1:${port[name]}/example`, "--cert", pem.client, "--key", pem.clientKey, "--cacert", pem.ca, ...args);

const expectRefusal = (result: CliResult, cause: string, hint?: string) => expectCliRefusal(result, cause, hint, [TOKEN]);

it("answers when everything is right (so the failures below are the servers' doing)", async () => {
  const ok = await withClient("mtls");
  expect(ok.code).toBe(0);
  expect(ok.stdout).toBe("HTTP 200\nhello\n");
});

it("says nothing is listening at a closed port, and asks whether npm run local runs", async () => {
  expectRefusal(await withClient("closed"), `nothing is listening at 127.0.0.1:${port.closed} (connection refused)`,
    "is `npm run local` running? Its URLs are in .local/stack.json (gatewayUrl, issuerEndpoint).");
});

it("says a host name does not resolve", async () => {
  const result = await call("https://nonexistent.invalid/example", "--cert", pem.client, "--key", pem.clientKey);
  expect(result.stderr).toMatch(/^cbat: cannot resolve the host name nonexistent\.invalid \((ENOTFOUND|EAI_AGAIN)\)\n/);
  expectRefusal(result, result.stderr.split("\n")[0].slice("cbat: ".length), "check the URL for typos, and that DNS has a record for it (see the stack output regional_domain_name).");
});

it("says nothing answered within --timeout", async () => {
  expectRefusal(await withClient("silent", "--timeout", "1"), `no answer from 127.0.0.1:${port.silent} within 1 s`,
    "check the host and port and any firewall or security group in between; --timeout SECONDS waits longer.");
});

it.each([["TLS 1.3", "mtls", "it closed the connection right after the handshake, as TLS 1.3 servers do"], ["TLS 1.2", "mtls12", "it closed the connection during the handshake"]])(
  "says the server refused the handshake for a client certificate it does not trust (%s)",
  async (_version, server, how) => {
    const result = await call(`https://127.0.0.1:${port[server]}/example`, "--cert", pem.rogue, "--key", pem.rogueKey, "--cacert", pem.ca);
    expectRefusal(result, `the server at 127.0.0.1:${port[server]} refused the TLS handshake (${how}): it did not accept the client certificate`,
      "use a certificate issued by the local CA and valid today: .local/pki/client.pem or client2.pem (rogue.pem and expired.pem are refused on purpose).");
  },
);

it("says the server's certificate is not trusted, and how to trust it", async () => {
  const result = await call(`https://127.0.0.1:${port.mtls}/example`, "--cert", pem.client, "--key", pem.clientKey); // no --cacert
  expectRefusal(result, `the server's certificate at 127.0.0.1:${port.mtls} is not trusted (self-signed certificate in certificate chain)`,
    "pass --cacert .local/pki/ca.pem (the local CA that issued it).");
});

it("says the server's certificate is for another name", async () => {
  expectRefusal(await withClient("wrongName"), `the server's certificate at 127.0.0.1:${port.wrongName} is not issued for 127.0.0.1`,
    "call https://127.0.0.1 or https://localhost: the names the local server certificate has.");
});

it("says a port does not speak TLS (e.g. the issuer's http port)", async () => {
  expectRefusal(await withClient("plainHttp"), `127.0.0.1:${port.plainHttp} does not speak TLS`,
    "that is probably the issuer's http:// port; the API is at gatewayUrl in .local/stack.json.");
});

describe("files, checked before any connection", () => {
  const url = () => `https://127.0.0.1:${port.closed}/example`; // a connection would fail differently
  it.each([
    ["a missing --cert", () => ["--cert", join(dir, "nope.pem"), "--key", pem.clientKey], () => `--cert ${join(dir, "nope.pem")}: file not found`],
    ["a missing --key", () => ["--cert", pem.client, "--key", join(dir, "nope-key.pem")], () => `--key ${join(dir, "nope-key.pem")}: file not found`],
    ["a folder as --cert", () => ["--cert", dir, "--key", pem.clientKey], () => `--cert ${dir}: is a folder, not a file`],
    ["a missing --cacert", () => ["--cert", pem.client, "--key", pem.clientKey, "--cacert", join(dir, "nope-ca.pem")], () => `--cacert ${join(dir, "nope-ca.pem")}: file not found`],
    ["swapped --cert and --key", () => ["--cert", pem.clientKey, "--key", pem.client], () => `--cert ${pem.clientKey}: no certificate found (expected a PEM "BEGIN CERTIFICATE" block or DER); it holds a PRIVATE KEY`],
    ["a certificate as --key", () => ["--cert", pem.client, "--key", pem.client], () => `--key ${pem.client}: not a private key (expected PEM "BEGIN PRIVATE KEY" or DER PKCS#8); it holds a certificate: are --cert and --key swapped?`],
  ])("names %s", async (_what, args, cause) => {
    expectRefusal(await call(url(), ...args()), cause());
  });

  it("says when --key is not the certificate's key", async () => {
    expectRefusal(await call(url(), "--cert", pem.client, "--key", pem.rogueKey), `--key ${pem.rogueKey} is not the private key of --cert ${pem.client}`,
      "pass the key file that was created with that certificate (e.g. client.pem with client-key.pem).");
  });

  it("refuses a bad --timeout as wrong usage", async () => {
    const result = await withClient("mtls", "--timeout", "soon");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("option '--timeout <seconds>' argument 'soon' is invalid");
  });
});
