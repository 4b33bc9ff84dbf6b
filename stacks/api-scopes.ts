/**
 * OAuth scopes of the API document: the security scheme that carries them and the
 * RFC 6749 §3.3 scope-token syntax every scope must follow.
 */
import { ApiDocumentError } from "./api-document-error";
import { AWS_QUOTAS } from "./aws-quotas";

/** The security scheme whose scopes the certificate-bound authorizer checks. */
export const SECURITY_SCHEME = "certificateBound";

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
/** Cognito's limit on a custom scope name (resource server identifier + "/" + name). */
const MAX_SCOPE_LENGTH = 256;

/** Scopes Cognito puts in tokens by itself: requiring one would leave a route effectively unscoped. */
const COGNITO_BUILT_IN_SCOPES = new Set(["aws.cognito.signin.user.admin", "openid", "email", "phone", "profile"]);

/**
 * A validated, de-duplicated list of scopes; `where` prefixes the error message.
 * @param required scopes a route requires (not Cognito's built-in ones, which every token may carry)
 */
export function checkScopes(scopes: unknown, where: string, required = false): string[] {
  if (!Array.isArray(scopes)) throw new ApiDocumentError(`${where}: must be a list of scope names such as ["accounts:read"]`);
  for (const scope of scopes) {
    if (typeof scope !== "string" || scope.length > MAX_SCOPE_LENGTH || !SCOPE_TOKEN.test(scope)) {
      throw new ApiDocumentError(`${where}: ${JSON.stringify(scope)} is not a valid OAuth scope (RFC 6749 scope-token: 1-${MAX_SCOPE_LENGTH} printable ASCII characters without space, '"' or '\\')`);
    }
  }
  const builtIn = required ? (scopes as string[]).find((scope) => COGNITO_BUILT_IN_SCOPES.has(scope)) : undefined;
  if (builtIn) throw new ApiDocumentError(`${where}: "${builtIn}" is one of Cognito's built-in scopes, which tokens carry without any grant; require a scope of your own`);
  return [...new Set(scopes as string[])];
}

/** The resource server's identifier when `api.resourceServer` is not set. */
export const DEFAULT_RESOURCE_SERVER = "cbat";
/** The scope name every machine client gets: Cognito grants client_credentials only with a custom scope. */
export const DEFAULT_MACHINE_SCOPE_NAME = "invoke";
/** Cognito's limit of custom scopes per resource server (stacks/aws-quotas.ts). */
export const MAX_RESOURCE_SERVER_SCOPES = AWS_QUOTAS.cognitoScopesPerResourceServer.value;

/** Cognito's CreateResourceServer Identifier. */
const RESOURCE_SERVER_IDENTIFIER = /^[\x21\x23-\x5B\x5D-\x7E]{1,256}$/;
/** Cognito's ScopeName: a scope-token without '/'. */
const SCOPE_NAME = /^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]{1,256}$/;

/** A valid resource server identifier (as Cognito checks it); `where` prefixes the error message. */
export function checkResourceServerIdentifier(identifier: unknown, where: string): string {
  if (typeof identifier !== "string" || !RESOURCE_SERVER_IDENTIFIER.test(identifier)) {
    throw new ApiDocumentError(`${where}: ${JSON.stringify(identifier)} is not a resource server identifier Cognito accepts: 1-256 printable ASCII characters without space, '"' or '\\' (e.g. "accounts" or "https://api.example.com")`);
  }
  return identifier;
}

/** The name in `<identifier>/<name>` when `scope` is one of the resource server's custom scopes, else undefined. */
export function resourceServerScopeName(scope: string, identifier: string): string | undefined {
  if (!scope.startsWith(`${identifier}/`)) return undefined;
  const name = scope.slice(identifier.length + 1);
  return SCOPE_NAME.test(name) ? name : undefined;
}

/** `<identifier>/invoke`, the scope of every machine client. */
export function defaultMachineScope(identifier: string): string {
  return `${identifier}/${DEFAULT_MACHINE_SCOPE_NAME}`;
}

/**
 * The scopes the resource server declares: every `<identifier>/<name>` among `scopeLists` (the
 * document's routes, the group scopes, the machine clients) and the default `<identifier>/invoke`,
 * sorted. Scopes of another form stay undeclared: only groups can put them into (user) tokens.
 */
export function resourceServerScopes(identifier: string, scopeLists: Iterable<readonly string[]>): string[] {
  const declared = new Set([defaultMachineScope(identifier)]);
  for (const scopes of scopeLists) for (const scope of scopes) if (resourceServerScopeName(scope, identifier) !== undefined) declared.add(scope);
  if (declared.size > MAX_RESOURCE_SERVER_SCOPES) {
    throw new ApiDocumentError(`the resource server "${identifier}" would declare ${declared.size} scopes; Cognito allows ${MAX_RESOURCE_SERVER_SCOPES} per resource server`);
  }
  return [...declared].sort();
}
