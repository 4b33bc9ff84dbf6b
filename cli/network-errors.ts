/**
 * Why a request got no HTTP answer, as the operator can act on it: nothing listening, a name
 * that does not resolve, no answer in time, the server refusing our TLS handshake (our client
 * certificate), or its certificate not trusted by us. Each cause gets a one-line hint.
 */
import { UserError } from "./errors";

export interface RequestTarget {
  readonly host: string;
  readonly port: number;
  /** What is being called, for the hints: the API (mutual TLS), or Cognito (the local issuer or AWS). */
  readonly service: "api" | "cognito";
  readonly timeoutSeconds: number;
}

/** How far the connection got before it failed. */
export type RequestStage = "connecting" | "tls-handshake" | "awaiting-response";

const SERVER_CERT_UNTRUSTED = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN", "DEPTH_ZERO_SELF_SIGNED_CERT", "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "CERT_UNTRUSTED", "CERT_SIGNATURE_FAILURE", "INVALID_CA", "CERT_CHAIN_TOO_LONG",
]);
const NAME_NOT_RESOLVED = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "EAI_FAIL"]);

export const isLoopback = (host: string) => /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[?::1\]?)$/.test(host);

/** The error's code: Node's on socket errors, or the AWS SDK's name for its own timeouts. */
function codeOf(error: Error & { code?: unknown }): string {
  if (error.name === "TimeoutError") return "ETIMEDOUT";
  return typeof error.code === "string" ? error.code : "";
}

/**
 * A UserError with the cause and a hint, or undefined when `error` is not a connection or TLS failure.
 * @param stage how far the connection got (for the API call; Cognito calls are plain HTTP)
 */
export function explainRequestError(error: Error, target: RequestTarget, stage?: RequestStage): UserError | undefined {
  const code = codeOf(error);
  const at = `${target.host}:${target.port}`;
  const local = isLoopback(target.host);
  const fail = (message: string, hint: string) => new UserError(message, hint);

  if (code === "ECONNREFUSED") {
    return fail(`nothing is listening at ${at} (connection refused)`, local
      ? "is `npm run local` running? Its URLs are in .local/stack.json (gatewayUrl, issuerEndpoint)."
      : "check the URL's host and port.");
  }
  if (NAME_NOT_RESOLVED.has(code)) {
    return fail(`cannot resolve the host name ${target.host} (${code})`, target.service === "cognito"
      ? "check --region (or the region prefix of the pool id) and --endpoint, and that DNS works here."
      : "check the URL for typos, and that DNS has a record for it (see the stack output regional_domain_name).");
  }
  if (code === "ETIMEDOUT") {
    return fail(`no answer from ${at} within ${target.timeoutSeconds} s`, "check the host and port and any firewall or security group in between; --timeout SECONDS waits longer.");
  }
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") {
    return fail(`cannot reach ${at} (${code}: no route to it)`, "check the address and this machine's network connection.");
  }
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return fail(`the server's certificate at ${at} is not issued for ${target.host}`, local ? "call https://127.0.0.1 or https://localhost: the names the local server certificate has." : "call the API by the name its certificate is issued for (custom_domain_name).");
  }
  if (code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID") {
    return fail(`the server's certificate at ${at} is not valid now (${error.message})`, local ? "start the local environment afresh: stop it, delete its folder (.local: PKI, users and all) and run `npm run local` again." : "the server's certificate must be renewed.");
  }
  if (SERVER_CERT_UNTRUSTED.has(code)) {
    const hint = target.service === "cognito"
      ? "add the CA that issued it with NODE_EXTRA_CA_CERTS=<ca.pem>."
      : local ? "pass --cacert .local/pki/ca.pem (the local CA that issued it)." : "pass --cacert with the CA bundle that issued the server's certificate.";
    return fail(`the server's certificate at ${at} is not trusted (${error.message})`, hint);
  }
  if (code === "ERR_SSL_WRONG_VERSION_NUMBER" || (code === "EPROTO" && /wrong version number/.test(error.message))) {
    const hint = target.service === "cognito"
      ? "that endpoint speaks plain HTTP (as the local issuer does): use --endpoint http://…"
      : local ? "that is probably the issuer's http:// port; the API is at gatewayUrl in .local/stack.json." : "check the port: the API answers HTTPS on 443.";
    return fail(`${at} does not speak TLS`, hint);
  }
  if (/^ERR_SSL_.*ALERT_PROTOCOL_VERSION$/.test(code) || code === "ERR_SSL_UNSUPPORTED_PROTOCOL") {
    return fail(`the server at ${at} and cbat share no TLS version (${code})`, "cbat speaks TLS 1.2 and 1.3 only; older servers are refused on purpose.");
  }
  const alert = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_ALERT_(.+)$/.exec(code)?.[1];
  const resetInHandshake = (code === "ECONNRESET" || code === "EPIPE") && (stage === "tls-handshake" || stage === "awaiting-response");
  if (target.service === "api" && (alert || resetInHandshake)) {
    const how = alert ? `alert: ${alert.toLowerCase().replace(/_/g, " ")}` : stage === "tls-handshake" ? "it closed the connection during the handshake" : "it closed the connection right after the handshake, as TLS 1.3 servers do";
    return fail(`the server at ${at} refused the TLS handshake (${how}): it did not accept the client certificate`, local
      ? "use a certificate issued by the local CA and valid today: .local/pki/client.pem or client2.pem (rogue.pem and expired.pem are refused on purpose)."
      : "use a client certificate issued by a CA in the API's truststore, valid today (`cbat truststore check` the bundle).");
  }
  if (code === "ECONNRESET" || code === "EPIPE") {
    return fail(`the connection to ${at} was closed before any answer (${code})`, "check that the URL points at the right service and retry.");
  }
  return undefined;
}
