/**
 * Property-based attack on the authorizer: ≥ 10,000 generated and mutated events.
 * Invariants: the only error that escapes is "Unauthorized"; an Allow happens exactly
 * for the genuinely valid case (a token of ours, bound to the certificate presented,
 * in one unambiguous Authorization header); every Allow names that certificate.
 */
import { createHash, X509Certificate } from "node:crypto";
import fc from "fast-check";
import { createAuthorizer, type AuthorizerHandler } from "../../handlers/authorizer";
import { createCa, issueClientCert, type IssuedCertificate } from "../support/certificates";
import { METHOD_ARN, requestAuthorizerEvent } from "../support/events";
import {
  accessTokenClaims, CLIENT_ID, createSigningKey, jwksOf, signHs256WithPublicKey, signJwt, unsignedJwt, USER_POOL_ID,
} from "../support/tokens";

const RUNS = 10_000;
const x5t = (der: Buffer) => createHash("sha256").update(der).digest("base64url");

/** "R" is a certificate of another CA: chain trust is the TLS handshake's job, binding is ours. */
type CertName = "A" | "B" | "R";
interface TokenCase { readonly token: string; readonly boundTo?: CertName }
interface CertCase { readonly pem: unknown; readonly is?: CertName }

let authorize: AuthorizerHandler;
let tokens: TokenCase[];
let certs: CertCase[];
let validTokens: Set<string>;

beforeAll(async () => {
  const key = createSigningKey();
  const ca = await createCa();
  const a = await issueClientCert(ca, "CN=a", "rsa");
  const b = await issueClientCert(ca, "CN=b", "ecdsa");
  const rogueCa = await createCa("CN=Rogue CA");
  const rogue = await issueClientCert(rogueCa, "CN=a", "rsa");
  const cnf = (c: IssuedCertificate) => ({ cnf: { "x5t#S256": x5t(c.der) } });
  const now = Math.floor(Date.now() / 1000);
  tokens = [
    { token: signJwt(key, accessTokenClaims(cnf(a))), boundTo: "A" },
    { token: signJwt(key, accessTokenClaims(cnf(b))), boundTo: "B" },
    { token: signJwt(key, accessTokenClaims()) },
    { token: signJwt(key, accessTokenClaims(cnf(rogue))), boundTo: "R" },
    { token: signJwt(key, accessTokenClaims({ ...cnf(a), exp: now - 10 })) },
    { token: signJwt(key, accessTokenClaims({ ...cnf(a), token_use: "id" })) },
    { token: signJwt(key, accessTokenClaims({ ...cnf(a), client_id: "someoneelse" })) },
    { token: signJwt(key, accessTokenClaims({ cnf: { "x5t#S256": createHash("sha256").update(a.der).digest("hex") } })) },
    { token: signJwt(createSigningKey(key.kid), accessTokenClaims(cnf(a))) },
    { token: signHs256WithPublicKey(key, accessTokenClaims(cnf(a))) },
    { token: unsignedJwt(key, accessTokenClaims(cnf(a))) },
  ];
  validTokens = new Set(tokens.filter((t) => t.boundTo).map((t) => t.token));
  const rewrap = (c: IssuedCertificate) =>
    `-----BEGIN CERTIFICATE-----\r\n${c.der.toString("base64").replace(/.{64}/g, "$&\r\n")}\r\n-----END CERTIFICATE-----\r\n`;
  certs = [
    { pem: a.pem, is: "A" },
    { pem: rewrap(a), is: "A" },
    { pem: b.pem, is: "B" },
    { pem: rogue.pem, is: "R" },
    { pem: a.pem + b.pem },
    { pem: a.privateKeyPem },
    { pem: a.pem.replace("CERTIFICATE", "X509 CRL") },
    { pem: "" },
    { pem: null },
  ];
  authorize = createAuthorizer({ userPoolId: USER_POOL_ID, clientId: CLIENT_ID, jwks: jwksOf(key) });
});

beforeEach(() => jest.spyOn(console, "log").mockImplementation(() => undefined));
afterEach(() => jest.restoreAllMocks());

/** How the credential is put into the request; only the first three are unambiguous. */
const arrangements = ["bearer", "bare", "bearer-lowercase-name", "absent", "other-scheme", "duplicated", "conflicting"] as const;
const VALID_ARRANGEMENTS = new Set(["bearer", "bare", "bearer-lowercase-name"]);

/** A change to the token that must break it: one payload character replaced by another. */
function mutateToken(token: string, position: number, replacement: string): string {
  const [header, payload, signature] = token.split(".");
  const index = position % (payload.length - 1); // never the last character, whose low bits may be padding
  const different = payload[index] === replacement ? (replacement === "A" ? "B" : "A") : replacement;
  return `${header}.${payload.slice(0, index)}${different}${payload.slice(index + 1)}.${signature}`;
}

function buildEvent(token: string, cert: unknown, arrangement: (typeof arrangements)[number], scheme: string, otherToken: string) {
  const headers: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  const put = (name: string, ...values: string[]) => {
    headers[name] = values[values.length - 1];
    multi[name] = values;
  };
  switch (arrangement) {
    case "bearer": put("Authorization", `Bearer ${token}`); break;
    case "bare": put("Authorization", token); break;
    case "bearer-lowercase-name": put("authorization", `bearer ${token}`); break;
    case "absent": break;
    case "other-scheme": put("Authorization", `${scheme} ${token}`); break;
    case "duplicated": put("Authorization", `Bearer ${token}`, `Bearer ${token}`); break;
    case "conflicting": put("Authorization", `Bearer ${otherToken}`, `Bearer ${token}`); break;
  }
  const event = requestAuthorizerEvent({ certPem: typeof cert === "string" ? cert : "", headers, multiValueHeaders: multi });
  if (typeof cert !== "string") event.requestContext.identity.clientCert = cert === null ? null : { clientCertPem: cert };
  delete event.headers.Host; // keep only what the arrangement put there
  delete event.headers["User-Agent"];
  return event;
}

/** `value` in about one case of `every`, null otherwise. */
const sometimes = <T>(value: fc.Arbitrary<T>, every: number) =>
  fc.oneof({ weight: every - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: value });

/** Replaces one part of the event with arbitrary data. */
const chaos = sometimes(
  fc.tuple(fc.constantFrom("headers", "multiValueHeaders", "requestContext", "identity", "clientCert", "methodArn", "type", "event"), fc.anything()),
  4,
);

it(`no event among ${RUNS} generated ones is allowed unless it is the valid case`, async () => {
  let allowed = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.nat({ max: 1000 }),
      fc.nat({ max: 1000 }),
      fc.constantFrom(...arrangements),
      fc.constantFrom("Basic", "DPoP", "Token", "MAC", "Negotiate"),
      sometimes(fc.tuple(fc.nat(), fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")), 4),
      sometimes(fc.string({ maxLength: 200 }), 10),
      chaos,
      async (tokenIndex, certIndex, arrangement, scheme, tokenMutation, randomCredential, mutation) => {
        const tokenCase = tokens[tokenIndex % tokens.length];
        const certCase = certs[certIndex % certs.length];
        let token = tokenCase.token;
        if (tokenMutation) token = mutateToken(token, ...tokenMutation);
        if (randomCredential !== null) token = randomCredential;
        const event: Record<string, any> = buildEvent(token, certCase.pem, arrangement, scheme, tokens[(tokenIndex + 1) % tokens.length].token);

        let input: unknown = event;
        if (mutation) {
          const [where, value] = mutation;
          if (where === "event") input = value;
          else if (where === "identity") event.requestContext.identity = value;
          else if (where === "clientCert") event.requestContext.identity.clientCert = value;
          else event[where] = value;
        }

        const expectAllow =
          !mutation && tokenMutation === null && randomCredential === null &&
          tokenCase.boundTo !== undefined && tokenCase.boundTo === certCase.is && VALID_ARRANGEMENTS.has(arrangement);

        let result: Awaited<ReturnType<AuthorizerHandler>> | undefined;
        try {
          result = await authorize(input as never);
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
          expect((error as Error).message).toBe("Unauthorized");
        }
        if (expectAllow) expect(result).toBeDefined();
        if (!result) return;

        // Every Allow must be a genuine token of ours bound to the certificate of this request.
        allowed++;
        const e = input as Record<string, any>;
        const presented = new X509Certificate(e.requestContext.identity.clientCert.clientCertPem).raw;
        const authorizationValues = (map: unknown) =>
          map && typeof map === "object" ? Object.entries(map).filter(([k]) => k.toLowerCase() === "authorization").flatMap(([, v]) => v) : [];
        const credentials = [...authorizationValues(e.headers), ...authorizationValues(e.multiValueHeaders)];
        expect(new Set(credentials).size).toBe(1);
        const credential = String(credentials[0]).trim().replace(/^bearer\s+/i, "");
        expect(validTokens.has(credential)).toBe(true);
        const claims = JSON.parse(Buffer.from(credential.split(".")[1], "base64url").toString());
        expect(claims.cnf["x5t#S256"]).toBe(x5t(presented));
        expect(result.context.x5tS256).toBe(x5t(presented));
        expect(result.policyDocument.Statement).toEqual([{ Action: "execute-api:Invoke", Effect: "Allow", Resource: e.methodArn }]);
        if (!mutation) expect(result.policyDocument.Statement[0].Resource).toBe(METHOD_ARN);
      },
    ),
    { numRuns: RUNS },
  );
  // The generator must actually reach the valid case, or the property proves little.
  expect(allowed).toBeGreaterThan(20);
});
