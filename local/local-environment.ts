/**
 * The whole flow on one machine: development PKI, the synthesized stack, a Cognito-compatible
 * issuer running the stack's pre token generation bundle, and a mutual-TLS gateway running
 * the stack's authorizer and example bundles, plus a demo user bound to client.pem and a demo
 * machine client bound to machine.pem.
 */
import { randomInt } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { App } from "cdktf";
import { GROUP_SCOPES_FILE, ROUTE_SCOPES_FILE } from "../handlers/lib/packaged-data";
import type { ApiDefinition } from "../stacks/api-document";
import { defineStacks } from "../stacks/app-stacks";
import { loadDeploymentConfig, type DeploymentConfig } from "../stacks/deployment-config";
import { STACK_NAME } from "../stacks/stack-name";
import { AccessLogFile } from "./access-log";
import { CognitoIssuer, type PreTokenGenerationHandler } from "./cognito-issuer";
import { AppendOnlyFile } from "./append-only-file";
import { registerConfiguredMachineClients, withLocalBindingHint, type LocalMtlsClient, type MtlsClientHint, type UnregisteredMachineClient } from "./configured-machine-clients";
import { isDevCertificateRevoked } from "./dev-crl";
import { freshDevPki } from "./dev-pki-issue";
import { DecisionConsole } from "./decision-console";
import { DEMO_USERNAME, ensureDemoUser, ensureGroups } from "./demo-user";
import { DecisionTally, parseDecisionLine } from "./decision-tally";
import { ensureDevPki, readPem, type DevPki } from "./dev-pki";
import { loadLambdaPackage, packagedJson } from "./lambda-package";
import { localRevocation } from "./local-revocation";
import { DEMO_MTLS_CLIENT, ensureDemoMachineClient, localResourceServerScopes } from "./local-machine-clients";
import { MachineBindingsFile } from "./machine-bindings-file";
import { MtlsGateway, type AuthorizerFunction, type ProxyFunction } from "./mtls-gateway";
import { readStackConfig } from "./stack-config";
import { StateLock } from "./state-lock";
import { prepareLocalTokenEndpoint } from "./local-token-endpoint";

export const LOCAL_REGION = "eu-west-1";
export const LOCAL_USER_POOL_ID = `${LOCAL_REGION}_cbatLocal`;
export { DEMO_USERNAME };

export interface LocalEnvironmentOptions {
  /** State folder: PKI, users, keys, summary. @default ".local" */
  readonly dir?: string;
  /** @default 9229 (0 = any free port) */
  readonly issuerPort?: number;
  /** @default 8443 (0 = any free port) */
  readonly gatewayPort?: number;
  /** @default "127.0.0.1" */
  readonly host?: string;
  /** A synthesized stack folder (with cdk.tf.json) to serve. @default the app's stack, synthesized into <dir>/cdktf.out */
  readonly stackDir?: string;
  /** The API to serve when synthesizing. @default the configured one (cbat.config.json or CBAT_CONFIG) */
  readonly api?: ApiDefinition;
  /** Where notes go (e.g. a stale lock taken over). @default stderr */
  readonly note?: (text: string) => void;
  /** Start from a new development PKI (a new CA: revocations and issued certificates are gone). @default false */
  readonly freshPki?: boolean;
  /** Where the per-request decision lines go (`401 cnf_mismatch GET /example`). @default console.log */
  readonly console?: (text: string) => void;
}

/** A machine client and the dev PKI pair bound to it (stack.json holds its secret: owner-readable). */
export interface LocalMachineClient {
  readonly name: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly certificate: string;
  readonly key: string;
  /** The scopes it may ask for (its token has all of them when it asks for none). */
  readonly scopes?: readonly string[];
}

export interface LocalStackSummary {
  readonly region: string;
  readonly userPoolId: string;
  readonly clientId: string;
  readonly issuerEndpoint: string;
  /** The pool domain's client_credentials endpoint: `<issuerEndpoint>/oauth2/token`. */
  readonly tokenEndpoint: string;
  /** The mTLS token endpoint on the gateway (RFC 8705 §2: the certificate alone, no secret). */
  readonly mtlsTokenEndpoint: string;
  /**
   * Clients of the mTLS token endpoint that hold no secret, with a development certificate that
   * authenticates them: demo-mtls (tls_client_auth, machine.pem's subject DN) first, then those of
   * cbat.config.json that name a tokenEndpointAuthMethod.
   */
  readonly mtlsClients: readonly LocalMtlsClient[];
  /** Clients of cbat.config.json at the mTLS token endpoint that no development certificate authenticates yet: what to do. */
  readonly mtlsClientHints?: readonly MtlsClientHint[];
  readonly machineClients: readonly LocalMachineClient[];
  readonly gatewayUrl: string;
  readonly demoUser: string;
  readonly demoPasswordFile: string;
  readonly pki: Record<string, string>;
  /** The API's routes as served: `"GET /accounts/{id}"` → the scopes it requires. */
  readonly routes: Readonly<Record<string, readonly string[]>>;
  /** The pool's groups (from the stack), which map to scopes. */
  readonly groups: readonly string[];
  /** Each group's scopes (the stack's GROUP_SCOPES). */
  readonly groupScopes?: Readonly<Record<string, readonly string[]>>;
  /** The groups the demo user is in now. */
  readonly demoGroups?: readonly string[];
  /** The development PKI's certificates on the CA's CRL at start (`client`, `machine`, …). */
  readonly revoked?: readonly string[];
  /** Machine clients of cbat.config.json not registered locally, with why and what to do. */
  readonly unregisteredMachineClients?: readonly UnregisteredMachineClient[];
}

export interface LocalEnvironment {
  readonly summary: LocalStackSummary;
  readonly summaryFile: string;
  readonly pki: DevPki;
  readonly issuer: CognitoIssuer;
  readonly gateway: MtlsGateway;
  /** Decisions, gateway refusals and refused handshakes since start (printed on Ctrl-C). */
  readonly tally: DecisionTally;
  /** `<dir>/access.log` (the stage's access log) and `<dir>/authorizer.log` (the authorizer's decision lines). */
  readonly logs: { readonly access: string; readonly authorizer: string; readonly tokenEndpoint: string };
  close(): Promise<void>;
}

/**
 * Starts everything on the state folder `dir`, which it locks first: a second environment on
 * the same folder is refused (StateDirInUseError) before it touches anything there.
 */
export async function startLocalEnvironment(options: LocalEnvironmentOptions = {}): Promise<LocalEnvironment> {
  const dir = resolve(options.dir ?? ".local");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const lock = StateLock.acquire(dir, options.note ?? ((text) => void process.stderr.write(`${text}\n`)));
  try {
    const environment = await startOnLockedDir(dir, options);
    lock.update({ gatewayUrl: environment.summary.gatewayUrl, issuerEndpoint: environment.summary.issuerEndpoint });
    return {
      ...environment,
      async close() {
        await environment.close();
        lock.release();
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function startOnLockedDir(dir: string, options: LocalEnvironmentOptions): Promise<LocalEnvironment> {
  const host = options.host ?? "127.0.0.1";
  const pki = options.freshPki ? await freshDevPki(join(dir, "pki")) : await ensureDevPki(join(dir, "pki"));
  const deployment = options.stackDir || options.api ? undefined : loadDeploymentConfig();
  const api = options.api ?? deployment?.api;
  const stackDir = options.stackDir ? resolve(options.stackDir) : synthesizeStack(join(dir, "cdktf.out"), api, deployment?.machineClients);
  const workDir = join(dir, "run");
  // The mTLS token endpoint (RFC 8705 §2) on the gateway, from the token-endpoint bundle.
  const tokenEndpoint = prepareLocalTokenEndpoint(readStackConfig(join(stackDir, "cdk.tf.json")), workDir);
  const config = tokenEndpoint.config;
  const clientId = localClientId(dir);
  // The local stand-in of the stack's SSM registry of machine-client certificates.
  const machineBindings = new MachineBindingsFile(join(dir, "machine-client-bindings.json"));

  const machineClientName = (clientId: string): string | undefined => issuer.machineClients?.get(clientId)?.clientName;
  const groupScopes = config.preTokenGeneration ? packagedJson<Record<string, string[]>>(config.preTokenGeneration, GROUP_SCOPES_FILE) : undefined;
  const stackTrigger = config.preTokenGeneration
    ? loadLambdaPackage<typeof import("../handlers/pre-token-generation")>(config.preTokenGeneration, workDir).createPreTokenGenerationHandler({
        groupScopes,
        machineBindings: machineBindings.lookup,
        voucherMac: tokenEndpoint.voucherMac,
      }) as unknown as PreTokenGenerationHandler
    : undefined;
  const preTokenGeneration = stackTrigger && withLocalBindingHint(stackTrigger, machineClientName, machineBindings, pki.dir);
  const resourceServerScopes = localResourceServerScopes(config, api?.resourceServer);
  const issuer = new CognitoIssuer({
    region: LOCAL_REGION,
    userPoolId: LOCAL_USER_POOL_ID,
    clientId,
    usersFile: join(dir, "users.json"),
    signingKeyFile: join(dir, "issuer-key.pem"),
    preTokenGeneration,
    preTokenGenerationVersion: config.preTokenGenerationVersion === "V3_0" ? "V3_0" : "V2_0",
    machineClientsFile: join(dir, "machine-clients.json"),
    resourceServerScopes,
  });
  const issuerEndpoint = await issuer.listen(options.issuerPort ?? 9229, host);

  const tally = new DecisionTally();
  const logs = { access: join(dir, "access.log"), authorizer: join(dir, "authorizer.log"), tokenEndpoint: join(dir, "token-endpoint.log") };
  const accessLog = config.accessLogFormat ? new AccessLogFile(logs.access, config.accessLogFormat) : undefined;
  const authorizerLog = new AppendOnlyFile(logs.authorizer);
  // The authorizer's decision lines: in its log file, counted, and on the terminal as one line a request (`401 cnf_mismatch GET /example`).
  const decisionConsole = new DecisionConsole(options.console);
  const decisionLog = (line: string) => {
    authorizerLog.append(`${line}\n`);
    const decision = parseDecisionLine(line);
    if (decision) {
      tally.addDecision(decision);
      decisionConsole.decision(decision);
    }
  };
  const recordAccess = (values: Parameters<AccessLogFile["write"]>[0]) => {
    if (accessLog) tally.addAccess(accessLog.write(values));
    decisionConsole.request(values);
  };

  const authorizers: Record<string, AuthorizerFunction> = {};
  const functions: Record<string, ProxyFunction> = {};
  const stopRevocation: Array<() => void> = [];
  for (const route of config.routes) {
    if (route.authorizer && !authorizers[route.authorizer.function.functionName]) {
      const { createAuthorizer, fileRevocationSource } = loadLambdaPackage<typeof import("../handlers/authorizer")>(route.authorizer.function, workDir);
      const routeScopes = packagedJson<Record<string, string[]>>(route.authorizer.function, ROUTE_SCOPES_FILE);
      // Revocation is always on locally: the dev CA's crl.pem, as the stack's authorizer reads crl_key from S3.
      // Machine clients' tokens pass as on AWS: through the registry (here its local file), so a client bound
      // to another certificate since its token was issued is refused cnf_mismatch, as MACHINE_BINDINGS_PATH does.
      const revocation = localRevocation(fileRevocationSource, { crlFile: pki.crl, truststoreFile: pki.cert.ca }, route.authorizer.function.environment);
      const authorize = createAuthorizer({ userPoolId: LOCAL_USER_POOL_ID, clientId, machineClientRegistry: machineBindings.lookup, jwks: issuer.jwks, routeScopes, revocation: revocation.options, decisionLog }) as AuthorizerFunction;
      stopRevocation.push(revocation.stop);
      authorizers[route.authorizer.function.functionName] = authorize;
    }
    const fn = route.integration.function;
    if (fn && fn.functionName === tokenEndpoint.functionName) functions[fn.functionName] = tokenEndpoint.handler as ProxyFunction;
    else if (fn) functions[fn.functionName] = loadLambdaPackage<{ handler: ProxyFunction }>(fn, workDir).handler;
  }
  const gateway = new MtlsGateway({
    config,
    serverCertPem: readPem(pki.cert.server),
    serverKeyPem: readPem(pki.key.server),
    truststorePem: readPem(pki.cert.ca),
    authorizers,
    functions,
    region: LOCAL_REGION,
    onRequestLogged: recordAccess,
    onHandshakeRefused: recordAccess,
  });
  let gatewayUrl: string;
  try {
    gatewayUrl = await gateway.listen(options.gatewayPort ?? 8443, host);
  } catch (error) {
    await issuer.close();
    throw error;
  }

  const demoPasswordFile = join(dir, "demo-password");
  let demoMachine;
  let mtlsClientId: string;
  let configured;
  try {
    await ensureDemoUser(issuer, LOCAL_USER_POOL_ID, demoPasswordFile, readPem(pki.cert.client));
    await ensureGroups(issuer, LOCAL_USER_POOL_ID, config.groups);
    demoMachine = await ensureDemoMachineClient(issuer, machineBindings, LOCAL_USER_POOL_ID, resourceServerScopes, readPem(pki.cert.machine));
    configured = await registerConfiguredMachineClients(issuer, machineBindings, LOCAL_USER_POOL_ID, pki.dir, deployment?.machineClients ?? [], readPem(pki.cert.ca));
    mtlsClientId = await tokenEndpoint.start({
      gatewayUrl, issuer, issuerEndpoint, bindings: machineBindings, userPoolId: LOCAL_USER_POOL_ID, scopes: resourceServerScopes,
      machinePem: readPem(pki.cert.machine), crlFile: pki.crl, truststoreFile: pki.cert.ca, logFile: logs.tokenEndpoint, configured: configured.tokenEndpoint,
    });
  } catch (error) {
    tokenEndpoint.close();
    await Promise.all([gateway.close(), issuer.close()]);
    throw error;
  }

  const summary: LocalStackSummary = {
    region: LOCAL_REGION,
    userPoolId: LOCAL_USER_POOL_ID,
    clientId,
    issuerEndpoint,
    tokenEndpoint: `${issuerEndpoint}/oauth2/token`,
    mtlsTokenEndpoint: `${gatewayUrl}/oauth2/token`,
    mtlsClients: [{ name: DEMO_MTLS_CLIENT, clientId: mtlsClientId, tokenEndpointAuthMethod: "tls_client_auth", certificate: pki.cert.machine, key: pki.key.machine }, ...configured.mtls],
    mtlsClientHints: configured.mtlsHints,
    machineClients: [{ name: demoMachine.clientName, clientId: demoMachine.clientId, clientSecret: demoMachine.clientSecret, certificate: pki.cert.machine, key: pki.key.machine, scopes: demoMachine.allowedOAuthScopes }, ...configured.registered],
    gatewayUrl,
    demoUser: DEMO_USERNAME,
    demoPasswordFile,
    pki: {
      ...Object.fromEntries(Object.keys(pki.cert).flatMap((name) => [
        [name, pki.cert[name as keyof typeof pki.cert]],
        ...(name === "ca" ? [] : [[`${name}Key`, pki.key[name as keyof typeof pki.key]]]),
      ])),
      crl: pki.crl,
    },
    // The document's routes (behind the authorizer); the token endpoint's have their own lines.
    routes: Object.fromEntries(config.routes.flatMap((route) => route.authorizer ? [[
      `${route.httpMethod} ${route.path}`,
      packagedJson<Record<string, string[]>>(route.authorizer.function, ROUTE_SCOPES_FILE)[`${route.httpMethod} ${route.path}`] ?? [],
    ]] : [])),
    groups: config.groups,
    groupScopes: groupScopes ?? {},
    demoGroups: issuer.groups.groupsOf(DEMO_USERNAME).map((group) => group.name),
    revoked: (["client", "client2", "machine"] as const).filter((name) => isDevCertificateRevoked(pki.dir, pki.cert[name])),
    unregisteredMachineClients: configured.unregistered,
  };
  const summaryFile = join(dir, "stack.json");
  // It holds the demo machine client's secret: readable by the owner only.
  writeFileSync(summaryFile, `${JSON.stringify(summary, null, 2)}\n`, { mode: 0o600 });
  chmodSync(summaryFile, 0o600);
  return {
    summary,
    summaryFile,
    pki,
    issuer,
    gateway,
    tally,
    logs,
    async close() {
      stopRevocation.forEach((stop) => stop());
      tokenEndpoint.close();
      decisionConsole.flush();
      await Promise.all([gateway.close(), issuer.close()]);
      authorizerLog.close();
      accessLog?.close();
    },
  };
}

/** Synthesizes the app's default stack (local backend) and returns its folder. */
function synthesizeStack(outdir: string, api: ApiDefinition | undefined, machineClients: DeploymentConfig["machineClients"]): string {
  const app = new App({ outdir });
  defineStacks(app, { environments: [], backend: { type: "local" }, api, machineClients, localRun: true });
  app.synth();
  return join(outdir, "stacks", STACK_NAME);
}

/** The local app client id: random once, then kept. */
function localClientId(dir: string): string {
  const file = join(dir, "client-id");
  if (!existsSync(file)) {
    const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    writeFileSync(file, Array.from({ length: 26 }, () => alphabet[randomInt(alphabet.length)]).join(""));
  }
  return readFileSync(file, "utf8").trim();
}
