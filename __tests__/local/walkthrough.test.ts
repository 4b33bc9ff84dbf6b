/**
 * The `npm run local` walkthrough, as a user runs it: every command it prints (each line
 * indented by three spaces) runs in bash, in order, against a real local environment serving an
 * API whose every route needs a scope, with a machine client of cbat.config.json whose
 * certificate came from `cbat pki issue`. Real TLS, real tokens, real curl, the real AWS CLI.
 * Also: the console's one line a decision, the local message for a machine client without a
 * certificate, and a walkthrough that says client.pem is revoked instead of printing calls that
 * would answer 401.
 */
import { execFile } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { instructions } from "../../local/instructions";
import { startLocalEnvironment, type LocalEnvironment } from "../../local/local-environment";
import { runCli } from "../support/run-cli";
import { PROJECT_ROOT } from "../support/terraform";

const API = `openapi: 3.0.3
info: { title: items, version: "1" }
security:
  - certificateBound: [items/read]
paths:
  /items:
    get:
      x-cbat-handler: example
  /items/{id}:
    parameters:
      - { name: id, in: path, required: true, schema: { type: string } }
    put:
      security:
        - certificateBound: [items/write]
      x-cbat-handler: example
`;

const root = mkdtempSync(join(tmpdir(), "cbat-walkthrough-"));
const stateDir = join(root, "state");
const pkiDir = join(stateDir, "pki");
const consoleLines: string[] = [];
let env: LocalEnvironment | undefined;
const previousConfig = process.env.CBAT_CONFIG;

const start = (freshPki = false) => startLocalEnvironment({ dir: stateDir, issuerPort: 0, gatewayPort: 0, freshPki, console: (text) => void consoleLines.push(...text.split("\n")), note: () => undefined });

beforeAll(async () => {
  jest.spyOn(console, "log").mockImplementation(() => undefined); // the authorizer bundles' own notes (revocation list loaded)
  mkdirSync(stateDir, { recursive: true });
  const issued = await runCli(["pki", "issue", "partner-a", "--dir", pkiDir]);
  expect(issued).toMatchObject({ code: 0, stderr: "" });
  writeFileSync(join(root, "api.yaml"), API);
  writeFileSync(join(root, "cbat.config.json"), JSON.stringify({
    api: { openapi: "api.yaml", handlersDir: join(PROJECT_ROOT, "handlers"), resourceServer: "items", groupScopes: { readers: ["items/read"], writers: ["items/read", "items/write"] } },
    machineClients: {
      "partner-a": { certificate: join(pkiDir, "partner-a.pem"), scopes: ["items/read"] },
      // A partner whose certificate comes from their own CA: not callable locally.
      elsewhere: { fingerprint: "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg", scopes: ["items/read"] },
    },
  }));
  process.env.CBAT_CONFIG = join(root, "cbat.config.json");
  env = await start();
}, 180_000);

afterAll(async () => {
  await env?.close();
  if (previousConfig === undefined) delete process.env.CBAT_CONFIG;
  else process.env.CBAT_CONFIG = previousConfig;
  rmSync(root, { recursive: true, force: true });
  jest.restoreAllMocks();
});

/** The walkthrough's commands: each line indented by three spaces that does not end with ":", with its continuation lines. */
function commandsOf(walkthrough: string): string[] {
  const commands: string[] = [];
  let continued = false;
  for (const line of walkthrough.split("\n")) {
    if (continued) commands[commands.length - 1] += `\n${line}`;
    else if (/^ {3}\S/.test(line) && !line.endsWith(":")) commands.push(line.trim());
    continued = (continued || /^ {3}\S/.test(line)) && line.endsWith("\\");
  }
  return commands;
}

/**
 * Runs the commands in one bash, in order (variables carry over), and returns each one's output.
 * `npx cbat` runs as `node bin/cbat.js`, the same program without npx's package lookup.
 */
function runInBash(commands: readonly string[]): Promise<string[]> {
  const cbat = `node ${join(PROJECT_ROOT, "bin", "cbat.js")}`;
  // A marker line before each command (after a newline: a response body may end without one).
  const script = commands.map((command, index) => `echo; echo "@@ ${index}"\n${command.replace(/\bnpx cbat /g, `${cbat} `)}`).join("\n");
  return new Promise((resolve, reject) => {
    execFile("bash", ["-c", script], { cwd: process.cwd(), encoding: "utf8", timeout: 540_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`the walkthrough's commands failed (${error.code}):\n${stdout}\n${stderr}`));
      resolve(stdout.split(/^@@ \d+\n/m).slice(1));
    });
  });
}

const status = (output: string) => /^HTTP\/[\d.]+ (\d{3})/m.exec(output)?.[1];

it("runs every printed command: group first, 200, 401 with another certificate, 403 without the scope, machine clients, the AWS CLI", async () => {
  const walkthrough = instructions(env!.summary);
  const commands = commandsOf(walkthrough);
  const outputs = await runInBash(commands);
  const outputOf = (pattern: RegExp, nth = 0) => {
    const indexes = commands.flatMap((command, index) => (pattern.test(command) ? [index] : []));
    expect({ pattern: String(pattern), found: indexes.length > nth }).toEqual({ pattern: String(pattern), found: true });
    return outputs[indexes[nth]];
  };

  // Every route needs a scope: the demo user joins a group before the first token.
  expect(walkthrough).toMatch(/^1\. Every route of the API needs a scope\. Put the demo user in the group readers/m);
  expect(outputOf(/^npx cbat group add demo readers /)).toContain("demo is in readers");
  const calls = commands.map((command, index) => ({ command, output: outputs[index] })).filter(({ command }) => command.startsWith("curl -si"));
  const [first, other, forbidden] = calls;
  expect(first.command).toMatch(/--cert \S*\/state\/pki\/client\.pem /);
  expect(first.command).toMatch(/\/items$/);
  expect(status(first.output)).toBe("200");
  expect(status(other.output)).toBe("401");
  expect(other.output).toMatch(/www-authenticate: Bearer error="invalid_token"/i);
  expect(forbidden.command).toMatch(/-X PUT .*\n.*\/items\/example$/);
  expect(status(forbidden.output)).toBe("403");
  expect(forbidden.output).toMatch(/www-authenticate: Bearer error="insufficient_scope"/i);
  expect(outputOf(/^npx cbat group add demo writers /)).toContain("demo is in writers");

  // The machine clients: the demo one and partner-a from cbat.config.json, each with its token and a 200.
  const machineCalls = calls.slice(3);
  expect(machineCalls.map(({ command }) => /\$(\w+_TOKEN)"/.exec(command)?.[1])).toEqual(["MACHINE_TOKEN", "PARTNER_A_TOKEN"]);
  for (const call of machineCalls) expect(status(call.output)).toBe("200");
  expect(walkthrough).toContain('The machine client "partner-a" (from cbat.config.json, bound to');
  expect(walkthrough).toMatch(/Machine client "elsewhere" of cbat\.config\.json is not registered locally: its certificate is not from the development CA.*npx cbat pki issue elsewhere/);

  // The AWS CLI, with the printed settings and through cbat aws.
  expect(JSON.parse(outputOf(/ aws cognito-idp admin-get-user /)).Username).toBe("demo");
  expect(JSON.parse(outputOf(/^npx cbat aws --outputs \S+ -- cognito-idp list-users /)).Users.map((u: { Username: string }) => u.Username)).toContain("demo");

  expect(outputOf(/^npx cbat pki revoke client /)).toMatch(/^revoked client /);
  expect(outputOf(/^npx cbat pki unrevoke client /)).toMatch(/^client is no longer revoked/);
  expect(outputOf(/^npx cbat decisions /)).toMatch(/cnf_mismatch/);
  // Commands read the secrets from stack.json (`c.clientSecret`); their values are never printed.
  for (const client of env!.summary.machineClients) if (client.clientSecret) expect(walkthrough).not.toContain(client.clientSecret);
  expect(walkthrough).not.toMatch(/Demo-/);
  expect(walkthrough).not.toContain(readFileSync(env!.summary.demoPasswordFile, "utf8"));
}, 600_000);

it("prints one line a decision on the console: status, reason, route", () => {
  expect(consoleLines).toContain("200 cert_bound GET /items");
  expect(consoleLines).toContain("401 cnf_mismatch GET /items");
  expect(consoleLines).toContain("403 insufficient_scope PUT /items/{id}");
  for (const line of consoleLines) expect(line).toMatch(/^\d{3} \S+ [A-Z]+ \S+( \(before the authorizer\))?$/);
});

it("tells a machine client without a certificate what to do locally, and gives it no token", async () => {
  const created = await env!.issuer.call("CreateUserPoolClient", {
    UserPoolId: env!.summary.userPoolId, ClientName: "no-cert", GenerateSecret: true,
    AllowedOAuthFlows: ["client_credentials"], AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: ["items/read"],
  }) as { UserPoolClient: { ClientId: string; ClientSecret: string } };
  const { ClientId, ClientSecret } = created.UserPoolClient;
  const response = await fetch(env!.summary.tokenEndpoint, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from(`${ClientId}:${ClientSecret}`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials",
  });
  const body = await response.json() as { error: string; error_description: string; access_token?: string };
  expect(response.status).toBe(400);
  expect(body.access_token).toBeUndefined();
  expect(body.error_description).toContain("no certificate is registered locally for the machine client no-cert: issue it a certificate from the development CA (npx cbat pki issue no-cert");
  expect(body.error_description).not.toContain("and apply");
  expect(body.error_description).not.toContain(ClientSecret);
});

it("says client.pem is revoked instead of printing calls that answer 401; unrevoke and --fresh-pki undo it", async () => {
  await env!.close();
  env = undefined;
  expect((await runCli(["pki", "revoke", "client", "--dir", pkiDir])).code).toBe(0);
  env = await start();
  const revoked = instructions(env.summary);
  expect(revoked).toContain("the demo user's certificate, is revoked");
  expect(revoked).toMatch(/^ {3}npx cbat pki unrevoke client --dir /m);
  expect(revoked).not.toContain("Get an access token");

  await env.close();
  env = undefined;
  const undone = await runCli(["pki", "unrevoke", "client", "--dir", pkiDir]);
  expect(undone).toMatchObject({ code: 0, stdout: expect.stringMatching(/^client is no longer revoked in /) });
  expect((await runCli(["pki", "revoke", "client", "--dir", pkiDir])).code).toBe(0);

  const oldCa = new X509Certificate(readFileSync(join(pkiDir, "ca.pem"))).fingerprint256;
  env = await start(true);
  // partner-a's certificate is issued again from the new CA, under the same name: the config stays valid.
  expect(env.summary.machineClients.map((c) => c.name)).toEqual(["demo-machine", "partner-a"]);
  expect(new X509Certificate(readFileSync(join(pkiDir, "partner-a.pem"))).checkIssued(new X509Certificate(readFileSync(join(pkiDir, "ca.pem"))))).toBe(true);
  expect(new X509Certificate(readFileSync(join(pkiDir, "ca.pem"))).fingerprint256).not.toBe(oldCa);
  expect(env.summary.revoked).toEqual([]);
  expect(instructions(env.summary)).toContain("Get an access token");
  // The demo user follows the new client.pem.
  const fingerprint = env.issuer.users.get("demo")!.attributes["custom:cert_fingerprint"];
  expect(fingerprint).toBe(Buffer.from(new X509Certificate(readFileSync(env.summary.pki.client)).fingerprint256.replace(/:/g, ""), "hex").toString("base64url"));
}, 180_000);

it("refuses a name cbat pki issue cannot use, and one that exists", async () => {
  const reserved = await runCli(["pki", "issue", "client", "--dir", pkiDir]);
  expect(reserved.code).toBe(1);
  expect(reserved.stderr).toContain('"client" is one of the development PKI\'s own files');
  const bad = await runCli(["pki", "issue", "Partner A", "--dir", pkiDir]);
  expect(bad.stderr).toContain('"Partner A" cannot name a certificate');
  const again = await runCli(["pki", "issue", "partner-a", "--dir", join(root, "other-pki")]);
  expect(again.code).toBe(0);
  const twice = await runCli(["pki", "issue", "partner-a", "--dir", join(root, "other-pki")]);
  expect(twice.stderr).toContain("partner-a.pem already exists");
});
