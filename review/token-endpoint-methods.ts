/**
 * The two methods the stack puts on the REST API without the authorizer, by design: the mTLS
 * token endpoint's `POST /oauth2/token` and `GET /.well-known/oauth-authorization-server`
 * (stacks/token-endpoint.ts; there the certificate alone authenticates, and the function checks it).
 * Known by their addresses (ApiRoutes names methods `<method><path id>-method`) and accepted only
 * with authorization NONE; every other method must still be CUSTOM.
 */
const TOKEN_ENDPOINT_METHOD = /^aws_api_gateway_method\.rest-api_routes_(post-oauth2-token|get-well-known-oauth-authorization-server)-method_[0-9A-F]{8}$/;

export function isTokenEndpointMethod(method: { readonly address?: string; readonly values?: Record<string, any> }): boolean {
  return typeof method.address === "string" && TOKEN_ENDPOINT_METHOD.test(method.address) && method.values?.authorization === "NONE";
}
