/**
 * The mTLS token endpoint in `npm run local`: `POST /oauth2/token` and
 * `GET /.well-known/oauth-authorization-server` on the local gateway, run by the same
 * token-endpoint bundle the stack deploys (the stack's own package when it has machine clients,
 * else the same bundle built here), with the local issuer as Cognito: the voucher travels in
 * `aws_client_metadata` to the stack's trigger bundle, which verifies it with the same in-memory
 * HMAC key (KMS's part on AWS). Clients:
 * - `demo-machine` (pinned, self_signed_tls_client_auth): machine.pem;
 * - `demo-mtls` (tls_client_auth): any certificate of the dev CA with machine.pem's subject DN,
 *   so a re-issued (rotated) certificate works with no change.
 * - the clients of cbat.config.json that name a method (configured-machine-clients.ts), with the
 *   `tokenEndpoint` registration the stack writes into their registry entries.
 * Their registrations are read through the same registry code as on AWS (registryTokenClients):
 * each entry's binding from the local registry file the trigger reads (machine-bindings-file.ts),
 * its `tokenEndpoint` registration from here (the stand-in of the SSM entry's field).
 * Decision lines go to `<dir>/token-endpoint.log`.
 */
import { randomBytes } from "node:crypto";
import { appendFileSync } from "node:fs";
import type { ClosableTokenEndpoint } from "../handlers/token-endpoint";
import type { VoucherMac } from "../handlers/lib/client-voucher";
import { TLS_CLIENT_AUTH_BINDING } from "../handlers/lib/client-voucher";
import { certificateFields } from "../handlers/lib/certificate-fields";
import { distinguishedNameText } from "../handlers/lib/certificate-name";
import { certificatePemToDer } from "../handlers/lib/thumbprint";
import { bundleHandler } from "../stacks/handler-bundle";
import type { CognitoIssuer } from "./cognito-issuer";
import { loadLambdaPackage } from "./lambda-package";
import { localRevocation } from "./local-revocation";
import { DEMO_MACHINE_CLIENT, DEMO_MTLS_CLIENT } from "./local-machine-clients";
import type { MachineBindingsFile } from "./machine-bindings-file";
import type { FunctionRef, LocalApiConfig, RouteConfig } from "./stack-config";

export const LOCAL_TOKEN_ROUTES = [{ httpMethod: "POST", path: "/oauth2/token" }, { httpMethod: "GET", path: "/.well-known/oauth-authorization-server" }] as const;

type TokenEndpointModule = typeof import("../handlers/token-endpoint");

export interface LocalTokenEndpoint {
  /** The stack's config with the token endpoint's routes (added when the stack has none). */
  readonly config: LocalApiConfig;
  /** The function name the gateway calls, and the call. */
  readonly functionName: string;
  readonly handler: (event: unknown, context?: unknown) => Promise<unknown>;
  /** The HMAC key the trigger must verify vouchers with. */
  readonly voucherMac: VoucherMac;
  /** Starts serving: the gateway's URL (for the metadata) and the issuer's token endpoint are known. */
  /** @returns the demo-mtls client's id */
  start(options: { gatewayUrl: string; issuer: CognitoIssuer; issuerEndpoint: string; bindings: MachineBindingsFile; userPoolId: string; scopes: readonly string[]; machinePem: string; crlFile: string; truststoreFile: string; logFile: string; configured?: ReadonlyMap<string, Record<string, unknown>> }): Promise<string>;
  close(): void;
}

/** Loads the bundle; the endpoint starts once the issuer and the gateway listen. */
export function prepareLocalTokenEndpoint(config: LocalApiConfig, workDir: string): LocalTokenEndpoint {
  const served = config.routes.find((route) => route.httpMethod === "POST" && route.path === "/oauth2/token" && route.integration.function);
  const fn: FunctionRef = served?.integration.function ?? { functionName: "cert-bound-api-token-endpoint", zipPath: bundleHandler("token-endpoint").zipFile, environment: {} };
  const bundle = loadLambdaPackage<TokenEndpointModule>(fn, workDir);
  const voucherMac = bundle.hmacVoucherMac(randomBytes(32));
  const routes: RouteConfig[] = served ? [...config.routes] : [
    ...config.routes,
    ...LOCAL_TOKEN_ROUTES.map((route) => ({ ...route, authorization: "NONE", integration: { type: "AWS_PROXY", requestParameters: {}, function: fn } })),
  ];
  let endpoint: ClosableTokenEndpoint | undefined;
  let stopRevocation: (() => void) | undefined;
  return {
    config: { ...config, routes },
    functionName: fn.functionName,
    voucherMac,
    handler: async (event, context) => {
      if (!endpoint) throw new Error("the local token endpoint has not started");
      return endpoint(event as never, context as never);
    },
    async start(options) {
      const store = options.issuer.machineClients!;
      let mtls = store.byName(DEMO_MTLS_CLIENT);
      if (!mtls) {
        const created = await options.issuer.call("CreateUserPoolClient", {
          UserPoolId: options.userPoolId, ClientName: DEMO_MTLS_CLIENT, GenerateSecret: true,
          AllowedOAuthFlows: ["client_credentials"], AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: [...options.scopes],
        });
        mtls = store.get((created.UserPoolClient as { ClientId: string }).ClientId)!;
      } else if (mtls.allowedOAuthScopes.join(" ") !== options.scopes.join(" ")) {
        store.setScopes(mtls.clientId, options.scopes);
        mtls = store.get(mtls.clientId)!;
      }
      options.bindings.bind(mtls.clientId, TLS_CLIENT_AUTH_BINDING);
      const subjectDn = distinguishedNameText(certificateFields(certificatePemToDer(options.machinePem), "machine.pem").subject.encoded);
      // The `tokenEndpoint` field of each served client's registry entry; the pinned thumbprint is its binding in the file.
      const registrations = new Map<string, Record<string, unknown>>([[mtls.clientId, { name: DEMO_MTLS_CLIENT, method: "tls_client_auth", subjectDn, scopes: mtls.allowedOAuthScopes }]]);
      const pinned = store.byName(DEMO_MACHINE_CLIENT);
      if (pinned) registrations.set(pinned.clientId, { name: pinned.clientName, method: "self_signed_tls_client_auth", scopes: pinned.allowedOAuthScopes });
      for (const [clientId, registration] of options.configured ?? []) registrations.set(clientId, registration);
      const scopesSupported = [...registrations.values()].flatMap((registration) => registration.scopes as string[]);
      const revocation = localRevocation(bundle.fileRevocationSource, { crlFile: options.crlFile, truststoreFile: options.truststoreFile }, fn.environment);
      stopRevocation = revocation.stop;
      endpoint = bundle.createTokenEndpoint({
        registry: bundle.registryTokenClients(async (clientId) => {
          const x5tS256 = await options.bindings.lookup(clientId);
          return x5tS256 === undefined ? undefined : { x5tS256, tokenEndpoint: registrations.get(clientId) };
        }),
        scopesSupported,
        baseUrl: options.gatewayUrl,
        issuer: options.issuer.issuer,
        cognitoTokenEndpoint: `${options.issuerEndpoint}/oauth2/token`,
        secrets: async (name) => {
          const client = store.byName(name);
          if (!client) throw new Error(`no local machine client ${name}`);
          return client.clientSecret;
        },
        voucherMac,
        revocation: revocation.options,
        decisionLog: (line) => appendFileSync(options.logFile, `${line}\n`, { mode: 0o600 }),
      });
      return mtls.clientId;
    },
    close() {
      stopRevocation?.();
      endpoint?.close();
    },
  };
}
