/**
 * The other `cbat` commands fail the way `cbat call` does: files named with what is wrong
 * with them, and Cognito endpoints that cannot be reached said apart from Cognito's own
 * refusals (real sockets: a closed port, an unresolvable name, a silent server, plain HTTP
 * where TLS was asked for). Exit 1, one cause, one hint, no stack trace.
 */
import { createServer as createHttpServer } from "node:http";
import { createServer as createTcpServer } from "node:net";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCa, issueClientCert } from "../support/certificates";
import { expectRefusal as expectCliRefusal, runCli, type CliResult } from "../support/run-cli";
import { TestServers } from "../support/test-servers";

const dir = mkdtempSync(join(tmpdir(), "cbat-command-errors-"));
const PASSWORD = "Command-Errors-7-Pass";
const servers = new TestServers();
const port: Record<string, number> = {};

let certificate: string;

beforeAll(async () => {
  certificate = join(dir, "alice.pem");
  writeFileSync(certificate, (await issueClientCert(await createCa(), "CN=alice")).pem);
  port.silent = await servers.listen(createTcpServer(() => undefined));
  port.plainHttp = await servers.listen(createHttpServer((_req, res) => res.end("{}")));
  port.closed = await servers.closedPort();
});
afterAll(() => servers.close());

const expectRefusal = (result: CliResult, cause: string | RegExp, hint?: string) => expectCliRefusal(result, cause, hint, [PASSWORD]);

const pool = (endpoint: string) => ["--user-pool-id", "eu-west-1_cbatTest", "--client-id", "abcdefghij", "--endpoint", endpoint];
const LOCAL_HINT = "is `npm run local` running? Its URLs are in .local/stack.json (gatewayUrl, issuerEndpoint).";

describe("Cognito endpoints that cannot be reached", () => {
  it.each([
    ["token", () => ["token", "--username", "alice"]],
    ["user create", () => ["user", "create", "--username", "alice", "--email", "alice@example.com", "--cert", certificate]],
    ["bind", () => ["bind", "--username", "alice", "--cert", certificate]],
  ])("%s: nothing listening is said as such, not as a refusal by Cognito", async (_command, args) => {
    const result = await runCli([...args(), ...pool(`http://127.0.0.1:${port.closed}`)], { CBAT_PASSWORD: PASSWORD });
    expectRefusal(result, `nothing is listening at 127.0.0.1:${port.closed} (connection refused)`, LOCAL_HINT);
  });

  it("an unresolvable endpoint", async () => {
    const result = await runCli(["token", "--username", "alice", ...pool("http://nonexistent.invalid:9229")], { CBAT_PASSWORD: PASSWORD });
    expectRefusal(result, /^cbat: cannot resolve the host name nonexistent\.invalid \((ENOTFOUND|EAI_AGAIN)\)$/,
      "check --region (or the region prefix of the pool id) and --endpoint, and that DNS works here.");
  });

  it("an endpoint that never answers, within --timeout", async () => {
    const result = await runCli(["token", "--username", "alice", "--timeout", "1", ...pool(`http://127.0.0.1:${port.silent}`)], { CBAT_PASSWORD: PASSWORD });
    expectRefusal(result, `no answer from 127.0.0.1:${port.silent} within 1 s`, "check the host and port and any firewall or security group in between; --timeout SECONDS waits longer.");
  });

  it("https:// to a plain HTTP endpoint (the local issuer)", async () => {
    const result = await runCli(["token", "--username", "alice", ...pool(`https://127.0.0.1:${port.plainHttp}`)], { CBAT_PASSWORD: PASSWORD });
    expectRefusal(result, `127.0.0.1:${port.plainHttp} does not speak TLS`, "that endpoint speaks plain HTTP (as the local issuer does): use --endpoint http://…");
  });

  it("an endpoint that is not a URL", async () => {
    const result = await runCli(["token", "--username", "alice", ...pool("127.0.0.1:9229")], { CBAT_PASSWORD: PASSWORD });
    expectRefusal(result, '--endpoint "127.0.0.1:9229" is not an http(s) URL', "e.g. --endpoint http://127.0.0.1:9229 for the local issuer (issuerEndpoint in .local/stack.json).");
  });
});

describe("files", () => {
  const missing = join(dir, "missing.pem");
  const folder = join(dir, "a-folder");
  mkdirSync(folder);
  const keyOnly = join(dir, "key-only.pem");
  writeFileSync(keyOnly, "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF\n-----END PRIVATE KEY-----\n");
  const blocker = join(dir, "a-file");
  writeFileSync(blocker, "not a folder");

  it.each([
    ["fingerprint: a missing certificate", ["fingerprint", missing], `${missing}: file not found`],
    ["fingerprint: a folder", ["fingerprint", folder], `${folder}: is a folder, not a file`],
    ["fingerprint: a key, not a certificate", ["fingerprint", keyOnly], `${keyOnly}: no certificate found (expected a PEM "BEGIN CERTIFICATE" block or DER); it holds a PRIVATE KEY`],
    ["truststore check: a missing bundle", ["truststore", "check", missing], `${missing}: file not found`],
    ["truststore check: a folder", ["truststore", "check", folder], `${folder}: is a folder, not a file`],
    ["bind: a missing --cert", ["bind", "--username", "alice", "--cert", missing, ...pool("http://127.0.0.1:9")], `--cert ${missing}: file not found`],
    ["user create: a folder as --cert", ["user", "create", "--username", "alice", "--email", "alice@example.com", "--cert", folder, ...pool("http://127.0.0.1:9")], `--cert ${folder}: is a folder, not a file`],
    ["token: a missing --outputs", ["token", "--username", "alice", "--outputs", missing], `--outputs ${missing}: file not found`],
    ["token: a folder as --outputs", ["token", "--username", "alice", "--outputs", folder], `--outputs ${folder}: is a folder, not a file`],
    ["token: --outputs that is not JSON", ["token", "--username", "alice", "--outputs", keyOnly], `--outputs ${keyOnly}: not a JSON outputs file`],
  ])("%s", async (_what, args, cause) => {
    expectRefusal(await runCli(args, { CBAT_PASSWORD: PASSWORD }), cause);
  });

  it("pki dev: a file where the folder should be", async () => {
    expectRefusal(await runCli(["pki", "dev", "--out", join(blocker, "pki")]), `--out ${join(blocker, "pki")}: cannot write the PKI there: a file is in the way (not a folder)`,
      "pass --out with a folder you can write, e.g. --out ./dev-pki.");
  });
});
