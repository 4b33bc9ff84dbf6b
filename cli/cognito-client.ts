/**
 * The Cognito client of the CLI (AWS, or the local issuer through --endpoint) and its errors
 * as the operator can act on them: Cognito's refusals by name, missing credentials, and an
 * endpoint that cannot be reached, each said apart. The SDK loads with the first connection, not
 * with the CLI: most commands never call Cognito, and the SDK is a third of `cbat --help`'s start.
 */
import type { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { UserError } from "./errors";
import { explainRequestError, isLoopback, type RequestTarget } from "./network-errors";
import { quietNodeVersionNotice } from "./node-version-notice";
import { requireSetting, type PoolSettings } from "./pool-settings";

type CognitoSdk = typeof import("@aws-sdk/client-cognito-identity-provider");

export interface CognitoConnection {
  readonly client: CognitoIdentityProviderClient;
  readonly target: RequestTarget;
  /** The SDK module: its command classes and its exception class. */
  readonly sdk: CognitoSdk;
}

export function connectCognito(settings: PoolSettings, timeoutSeconds: number): CognitoConnection {
  quietNodeVersionNotice();
  const region = requireSetting(settings, "region");
  const endpoint = settings.endpoint === undefined ? undefined : endpointUrl(settings.endpoint);
  const local = endpoint !== undefined && isLoopback(endpoint.hostname);
  const hasCredentials = process.env.AWS_ACCESS_KEY_ID || process.env.AWS_PROFILE || process.env.AWS_WEB_IDENTITY_TOKEN_FILE;
  const sdk: typeof import("@aws-sdk/client-cognito-identity-provider") = require("@aws-sdk/client-cognito-identity-provider");
  const client = new sdk.CognitoIdentityProviderClient({
    region,
    endpoint: settings.endpoint,
    // The local issuer checks only the signature's scope; any credentials will do there.
    credentials: local && !hasCredentials ? { accessKeyId: "local", secretAccessKey: "local" } : undefined,
    requestHandler: { connectionTimeout: timeoutSeconds * 1000, requestTimeout: timeoutSeconds * 1000, throwOnRequestTimeout: true },
  });
  const target: RequestTarget = endpoint
    ? { host: endpoint.hostname, port: Number(endpoint.port) || (endpoint.protocol === "https:" ? 443 : 80), service: "cognito", timeoutSeconds }
    : { host: `cognito-idp.${region}.amazonaws.com`, port: 443, service: "cognito", timeoutSeconds };
  return { client, target, sdk };
}

function endpointUrl(endpoint: string): URL {
  try {
    const url = new URL(endpoint);
    if (url.protocol === "http:" || url.protocol === "https:") return url;
  } catch {
    // reported below
  }
  throw new UserError(`--endpoint ${JSON.stringify(endpoint.slice(0, 100))} is not an http(s) URL`, "e.g. --endpoint http://127.0.0.1:9229 for the local issuer (issuerEndpoint in .local/stack.json).");
}

/** Runs one Cognito call; its failure becomes a UserError that says what happened (no secrets: Cognito's messages carry none). */
export async function cognitoCall<T>(connection: CognitoConnection, call: (client: CognitoIdentityProviderClient, sdk: CognitoSdk) => Promise<T>): Promise<T> {
  try {
    return await call(connection.client, connection.sdk);
  } catch (error) {
    if (error instanceof connection.sdk.CognitoIdentityProviderServiceException) throw new UserError(`Cognito refused: ${error.name}: ${error.message}`);
    const e = error as Error;
    if (e.name === "CredentialsProviderError") throw new UserError("no AWS credentials found", "configure the standard AWS chain (AWS_PROFILE, environment variables, SSO).");
    throw explainRequestError(e, connection.target) ?? error;
  }
}
