/**
 * OAuth scopes of the API document: the security scheme that carries them and the
 * RFC 6749 §3.3 scope-token syntax every scope must follow.
 */
import { ApiDocumentError } from "./api-document-error";

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
