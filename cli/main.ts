/**
 * `cbat`: the operator's tool for certificate-bound access tokens. It replaces the original
 * sample's manual steps: fingerprint, truststore check, development PKI, user creation,
 * binding, token, and the mutual-TLS call. Works against AWS (standard credential chain)
 * and against the local environment (`--outputs .local/stack.json`).
 * Exit codes: 0 done, 1 a user error (bad file, refused call), 2 wrong usage.
 * Heavy code (the AWS SDK, pkijs, x509, the config loader) loads inside the command that needs it,
 * so a call (and every test that spawns one) starts in a fraction of the time.
 */
import { X509Certificate } from "node:crypto";
import { Command, CommanderError, Option } from "commander";
import { x5tS256FromDer } from "../handlers/lib/thumbprint";
import { cognitoCall, connectCognito } from "./cognito-client";
import { UsageError, UserError } from "./errors";
import { addGroupCommands } from "./group-commands";
import { mtlsRequest, RequestFailedError } from "./https-call";
import { printMtlsToken, withMtlsToken, type MtlsTokenOptions } from "./mtls-token";
import { explainRequestError } from "./network-errors";
import { requestSettingOptions, secondsOption, type PoolCommandOptions } from "./pool-options";
import { requireSetting, resolvePoolSettings } from "./pool-settings";
import { printClientCredentialsToken, withClientCredentials, type ClientCredentialsOptions } from "./client-credentials";
import { readCertificates } from "./read-certificate";
import { folderProblem, readInputFile } from "./read-file";
import { secretFrom } from "./secrets";
import { registerAwsCommand } from "./aws-command";
import { registerDecisionsCommand } from "./decisions-command";
import { registerSetupCommand } from "./setup-command";
import { registerPkiIssueCommand } from "./pki-issue";
import { registerPkiRevokeCommand, registerPkiUnrevokeCommand } from "./pki-revoke";
import { registerRevocationCommands } from "./revocation-check";
import { registerUnbindCommand } from "./unbind";
import { registerProjectCommands } from "./project-commands";
import { registerInitCommand } from "./init-command";

const out = (text: string): void => void process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
const note = (text: string) => process.stderr.write(`${text}\n`);

/** @param option the flag that named the file, for messages */
function fingerprintOf(file: string, option?: string): { der: Buffer; x5t: string } {
  const certificates = readCertificates(file, option);
  if (certificates.length > 1) note(`${file}: a bundle of ${certificates.length} certificates; using the first`);
  return { der: certificates[0], x5t: x5tS256FromDer(certificates[0]) };
}

function poolCommand(program: Command, name: string, description: string, example: string): Command {
  return requestSettingOptions(program.command(name).description(description)).addHelpText("after", `\nExample:\n  ${example}`);
}

export function buildProgram(): Command {
  const program = new Command("cbat")
    .description("Certificate-bound access tokens (RFC 8705) on API Gateway and Cognito: the operator's steps as one tool")
    .showHelpAfterError()
    .exitOverride();

  program
    .command("fingerprint")
    .description("print the RFC 8705 x5t#S256 of a certificate (base64url SHA-256 of its DER)")
    .argument("<cert>", "certificate file: PEM (first certificate of a bundle) or DER")
    .addOption(new Option("--format <format>", "output format").choices(["base64url", "hex", "json"]).default("base64url"))
    .addHelpText("after", "\nExample:\n  cbat fingerprint client.pem\n  cbat fingerprint client.der --format json")
    .action((file: string, options: { format: string }) => {
      const { der, x5t } = fingerprintOf(file);
      const hex = Buffer.from(x5t, "base64url").toString("hex");
      if (options.format !== "json") return out(options.format === "hex" ? hex : x5t);
      const cert = new X509Certificate(der);
      return out(JSON.stringify({ "x5t#S256": x5t, sha256Hex: hex, subject: cert.subject.split("\n").join(","), serialNumber: cert.serialNumber, notAfter: cert.validTo }, null, 2));
    });

  const truststore = program.command("truststore").description("truststore tools");
  truststore
    .command("check")
    .description("check a truststore PEM bundle the way API Gateway will, before uploading it")
    .argument("<bundle>", "PEM bundle of CA certificates")
    .addHelpText("after", "\nExample:\n  cbat truststore check truststore.pem && aws s3 cp truststore.pem s3://my-truststores/truststore.pem")
    .action(async (file: string) => {
      const text = readInputFile(file).toString("utf8");
      const { checkTruststore }: typeof import("./truststore-check") = require("./truststore-check");
      const report = await checkTruststore(text);
      for (const p of report.problems) out(`${p.severity.toUpperCase()} ${p.certificate}: ${p.message}`);
      out(`${file}: ${report.certificates} certificate(s), ${report.problems.filter((p) => p.severity === "error").length} error(s), ${report.problems.filter((p) => p.severity === "warning").length} warning(s)`);
      if (report.fatal) process.exitCode = 1;
    });

  const pki = program.command("pki").description("certificate tools");
  pki
    .command("dev")
    .description("create the development PKI (CA, server, client, client2, machine, rogue, expired) if missing")
    .option("--out <dir>", "folder for the PEM files", ".local/pki")
    .addHelpText("after", "\nExample:\n  cbat pki dev --out ./dev-pki")
    .action(async (options: { out: string }) => {
      let created;
      try {
        created = await (require("../local/dev-pki") as typeof import("../local/dev-pki")).ensureDevPki(options.out);
      } catch (error) {
        const e = error as NodeJS.ErrnoException;
        if (typeof e.code !== "string" || typeof e.path !== "string") throw error;
        const where = e.path === options.out ? "" : `${e.path}: `;
        throw new UserError(`--out ${options.out}: cannot write the PKI there: ${where}${folderProblem(e)}`, "pass --out with a folder you can write, e.g. --out ./dev-pki.");
      }
      out(`${created.created ? "created" : "kept existing"} development PKI in ${created.dir}: truststore ${created.cert.ca}, client ${created.cert.client}`);
    });

  registerPkiIssueCommand(pki);
  registerPkiRevokeCommand(pki);
  registerPkiUnrevokeCommand(pki);
  registerRevocationCommands(program);
  registerUnbindCommand(program);

  const user = program.command("user").description("user management");
  requestSettingOptions(user.command("create").description("create a confirmed user, optionally bound to a certificate"))
    .requiredOption("--username <name>", "user name")
    .requiredOption("--email <address>", "email address (marked verified)")
    .option("--password <password>", "permanent password (better: the CBAT_PASSWORD environment variable, or the prompt)")
    .option("--cert <file>", "client certificate to bind (PEM or DER)")
    .addHelpText("after", "\nExample (password from CBAT_PASSWORD, or a prompt):\n  cbat user create --outputs outputs.json --username alice --email alice@example.com --cert alice.pem")
    .action(async (options: PoolCommandOptions & { username: string; email: string; password?: string; cert?: string }) => {
      const settings = resolvePoolSettings(options);
      const userPoolId = requireSetting(settings, "userPoolId");
      const fingerprint = options.cert ? fingerprintOf(options.cert, "--cert").x5t : undefined;
      const cognito = connectCognito(settings, options.timeout);
      const password = await secretFrom(options.password, "CBAT_PASSWORD", "Password for the new user: ");
      await cognitoCall(cognito, (client, sdk) => client.send(new sdk.AdminCreateUserCommand({
        UserPoolId: userPoolId, Username: options.username, MessageAction: "SUPPRESS",
        UserAttributes: [
          { Name: "email", Value: options.email }, { Name: "email_verified", Value: "true" },
          ...(fingerprint ? [{ Name: "custom:cert_fingerprint", Value: fingerprint }] : []),
        ],
      })));
      await cognitoCall(cognito, (client, sdk) => client.send(new sdk.AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: options.username, Password: password, Permanent: true })));
      out(`created user ${options.username}${fingerprint ? `, bound to x5t#S256 ${fingerprint}` : " (no certificate bound: it gets no token until `cbat bind`)"}`);
    });

  poolCommand(program, "bind", "bind a user to a client certificate (sets custom:cert_fingerprint)", "cbat bind --outputs outputs.json --username alice --cert alice.pem")
    .requiredOption("--username <name>", "user name")
    .requiredOption("--cert <file>", "client certificate (PEM or DER)")
    .action(async (options: PoolCommandOptions & { username: string; cert: string }) => {
      const settings = resolvePoolSettings(options);
      const userPoolId = requireSetting(settings, "userPoolId");
      const { x5t } = fingerprintOf(options.cert, "--cert");
      const cognito = connectCognito(settings, options.timeout);
      await cognitoCall(cognito, (client, sdk) => client.send(new sdk.AdminUpdateUserAttributesCommand({ UserPoolId: userPoolId, Username: options.username, UserAttributes: [{ Name: "custom:cert_fingerprint", Value: x5t }] })));
      out(`bound ${options.username} to x5t#S256 ${x5t}; tokens issued from now on carry it`);
    });

  addGroupCommands(program);

  withMtlsToken(withClientCredentials(poolCommand(program, "token", "sign in (USER_PASSWORD_AUTH, or ADMIN_USER_PASSWORD_AUTH with --admin) and print the access token, or a machine client's (--client-credentials, or --mtls with its certificate alone)", "cbat token --outputs outputs.json --username alice --claims   # password from CBAT_PASSWORD, or a prompt")))
    .option("--username <name>", "user name (required unless --client-credentials)")
    .option("--admin", "sign in with your AWS credentials (AdminInitiateAuth, ADMIN_USER_PASSWORD_AUTH; needs enable_admin_password_auth): for pools that allow SRP only")
    .option("--password <password>", "password (better: CBAT_PASSWORD, or the prompt)")
    .option("--claims", "also print the token's decoded claims on stderr (to see cnf)")
    .action(async (options: PoolCommandOptions & ClientCredentialsOptions & MtlsTokenOptions & { username?: string; password?: string; claims?: boolean; admin?: boolean }) => {
      if (options.mtls) return printMtlsToken(options);
      if (options.clientCredentials) return printClientCredentialsToken(options);
      const username = options.username;
      if (!username) throw new UsageError("--username is required (or --client-credentials for a machine client's token)");
      const settings = resolvePoolSettings(options);
      const clientId = requireSetting(settings, "clientId");
      const cognito = connectCognito(settings, options.timeout);
      const password = await secretFrom(options.password, "CBAT_PASSWORD", "Password: ");
      const parameters = { USERNAME: username, PASSWORD: password };
      const result = await cognitoCall(cognito, (client, sdk) => options.admin
        ? client.send(new sdk.AdminInitiateAuthCommand({ AuthFlow: "ADMIN_USER_PASSWORD_AUTH", UserPoolId: requireSetting(settings, "userPoolId"), ClientId: clientId, AuthParameters: parameters }))
        : client.send(new sdk.InitiateAuthCommand({ AuthFlow: "USER_PASSWORD_AUTH", ClientId: clientId, AuthParameters: parameters })));
      const token = result.AuthenticationResult?.AccessToken;
      if (!token) throw new UserError(`no token: Cognito asked for ${result.ChallengeName ?? "another step"}; set a permanent password (cbat user create / admin-set-user-password --permanent)`);
      if (options.claims) note(JSON.stringify(JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8")), null, 2));
      out(token);
    });

  program
    .command("call")
    .description("call the API with mutual TLS and a bearer token; prints the status and the body")
    .argument("<url>", "e.g. https://api.example.com/example")
    .requiredOption("--cert <file>", "client certificate (PEM)")
    .requiredOption("--key <file>", "its private key (PEM)")
    .option("--cacert <file>", "CA bundle for the server certificate (default: the system's)")
    .option("--token <jwt>", "access token (better: the CBAT_TOKEN environment variable)")
    .option("--timeout <seconds>", "give up when nothing answers within this time", secondsOption, 30)
    .addHelpText("after", '\nExample (or put the token in CBAT_TOKEN instead of --token):\n  cbat call https://api.example.com/example --cert alice.pem --key alice-key.pem --token "$(cbat token --outputs outputs.json --username alice)"')
    .action(async (url: string, options: { cert: string; key: string; cacert?: string; token?: string; timeout: number }) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        throw new UsageError(`<url> must be an https:// URL, got ${JSON.stringify(url.slice(0, 100))}`);
      }
      if (target.protocol !== "https:") throw new UsageError(`<url> must be an https:// URL, got ${JSON.stringify(url.slice(0, 100))}`);
      const token = options.token ?? process.env.CBAT_TOKEN;
      if (!token) throw new UserError("no token: pass --token or set CBAT_TOKEN (e.g. from `cbat token`)");
      let response;
      try {
        response = await mtlsRequest({ url, cert: options.cert, key: options.key, ca: options.cacert, headers: { Authorization: `Bearer ${token}` }, timeoutSeconds: options.timeout });
      } catch (error) {
        if (!(error instanceof RequestFailedError)) throw error;
        const place = { host: target.hostname, port: Number(target.port) || 443, service: "api", timeoutSeconds: options.timeout } as const;
        throw explainRequestError(error.cause, place, error.stage) ?? new UserError(`request to ${target.host} failed before any HTTP answer: ${error.message}`);
      }
      out(`HTTP ${response.status}`);
      const challenge = response.headers["www-authenticate"];
      if (challenge) out(`WWW-Authenticate: ${challenge}`);
      out(response.body);
      if (response.status < 200 || response.status > 299) process.exitCode = 1;
    });
  registerDecisionsCommand(program);
  registerAwsCommand(program);
  registerSetupCommand(program);
  registerInitCommand(program);
  registerProjectCommands(program);
  return program;
}

export async function run(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.configureOutput({ writeErr: (text) => process.stderr.write(text) });
  for (const command of program.commands.flatMap((c) => [c, ...c.commands])) command.exitOverride();
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") return 0;
      return 2; // commander has printed the problem and the usage
    }
    if (error instanceof UsageError) {
      note(`cbat: ${error.message}`);
      return 2;
    }
    if (error instanceof UserError) {
      note(`cbat: ${error.message}`);
      if (error.hint) note(`  hint: ${error.hint}`);
      return 1;
    }
    note(`cbat: unexpected error: ${(error as Error).message}`);
    return 1;
  }
}
