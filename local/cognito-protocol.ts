/**
 * Cognito's wire protocol over HTTP: `POST /` with `X-Amz-Target:
 * AWSCognitoIdentityProviderService.<Action>` and a JSON body, answered with JSON or with
 * Cognito's error shape (HTTP 400, `__type`); plus the pool's JWKS and OpenID configuration.
 * Signatures are not verified (loopback only), but their scope is: a request signed for
 * another region or service is refused, as Cognito's regional endpoint refuses it.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { CognitoError, type CognitoInput } from "./cognito-context";
import { BodyTooLargeError, readBody } from "./read-body";

const TARGET_PREFIX = "AWSCognitoIdentityProviderService.";
const MAX_BODY_BYTES = 64 * 1024;

export interface CognitoProtocolOptions {
  /** The pool's region: signed requests must be scoped to it. */
  readonly region: string;
  readonly userPoolId: string;
  readonly issuer: string;
  readonly jwks: () => unknown;
  /** Runs one action; throws CognitoError to refuse. */
  readonly dispatch: (action: string, input: CognitoInput) => Promise<Record<string, unknown>>;
}

export function cognitoRequestHandler(options: CognitoProtocolOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const wellKnown = `/${options.userPoolId}/.well-known`;
  return async (req, res) => {
    const send = (status: number, body: unknown, type = "application/x-amz-json-1.1", extra: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": type, "x-amzn-requestid": randomUUID(), ...extra });
      res.end(JSON.stringify(body));
    };
    try {
      const url = req.url ?? "/";
      if (req.method === "GET" && url === `${wellKnown}/jwks.json`) return send(200, options.jwks(), "application/json");
      if (req.method === "GET" && url === `${wellKnown}/openid-configuration`) {
        return send(200, { issuer: options.issuer, jwks_uri: `http://${req.headers.host}${wellKnown}/jwks.json` }, "application/json");
      }
      if (req.method !== "POST" || url !== "/") return send(404, { message: "Not Found" }, "application/json");
      const target = String(req.headers["x-amz-target"] ?? "");
      if (!target.startsWith(TARGET_PREFIX)) throw new CognitoError("UnknownOperationException", "Missing or unknown X-Amz-Target");
      checkSignatureScope(req.headers.authorization, options.region);
      send(200, await options.dispatch(target.slice(TARGET_PREFIX.length), await readInput(req)));
    } catch (error) {
      if (error instanceof CognitoError) return send(400, { __type: error.type, message: error.message }, undefined, { "x-amzn-errortype": error.type });
      send(500, { __type: "InternalErrorException", message: "Internal error" });
    }
  };
}

/** `AWS4-HMAC-SHA256 Credential=<key id>/<yyyymmdd>/<region>/<service>/aws4_request, …` */
const SIGV4_SCOPE = /^AWS4-HMAC-SHA256 +Credential=[^/, ]+\/\d{8}\/([a-z0-9-]{1,32})\/([a-z0-9-]{1,32})\/aws4_request[, ]/;

/** Unsigned requests pass (InitiateAuth is unsigned); a signature must be scoped to this pool's region and to cognito-idp. */
function checkSignatureScope(authorization: string | undefined, region: string): void {
  if (authorization === undefined) return;
  const scope = SIGV4_SCOPE.exec(authorization);
  if (!scope) throw new CognitoError("IncompleteSignatureException", "Authorization header is not an AWS Signature Version 4 (AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/cognito-idp/aws4_request, ...).");
  const [, signedRegion, service] = scope;
  if (signedRegion !== region) {
    throw new CognitoError("InvalidSignatureException", `Credential should be scoped to a valid region: the pool is in ${region}, the request was signed for ${signedRegion}. Use region ${region} (AWS CLI: --region ${region}).`);
  }
  if (service !== "cognito-idp") throw new CognitoError("InvalidSignatureException", `Credential should be scoped to correct service: 'cognito-idp', not '${service}'.`);
}

async function readInput(req: IncomingMessage): Promise<CognitoInput> {
  let body: string;
  try {
    body = (await readBody(req, MAX_BODY_BYTES)).toString("utf8");
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new CognitoError("InvalidParameterException", "Request body too large");
    throw error;
  }
  let input: unknown;
  try {
    input = JSON.parse(body || "{}");
  } catch {
    throw new CognitoError("SerializationException", "Request body is not valid JSON");
  }
  if (input === null || typeof input !== "object" || Array.isArray(input)) throw new CognitoError("SerializationException", "Request body must be a JSON object");
  return input as CognitoInput;
}
