/**
 * The fields of the authorizer's context (besides API Gateway's own `principalId`): what an
 * integration may map from `context.authorizer.<field>` to tell its backend who called. One
 * list for the authorizer's result type (handlers/authorizer.ts) and synth's mapping check.
 */
export const AUTHORIZER_CONTEXT_FIELDS = ["sub", "username", "clientId", "scope", "x5tS256", "certSubject"] as const;
export type AuthorizerContextField = (typeof AUTHORIZER_CONTEXT_FIELDS)[number];

/** `context.authorizer.<name>` sources an integration may map: the context's fields and the principal id (the token's sub). */
export const AUTHORIZER_MAPPING_FIELDS: readonly string[] = ["principalId", ...AUTHORIZER_CONTEXT_FIELDS];
