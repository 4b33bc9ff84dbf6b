/**
 * Item 1 of issue 11: every parser of attacker-controlled input in handlers/ is linear, on
 * adversarial strings up to 1 MB. Two kinds of assertion, neither timed (the time per call is
 * `npm run bench`'s figure):
 * - the answer is right (compared with a plain statement of the rule, or with a real certificate);
 * - input over a parser's size limit is refused before any regular expression runs on it, and no
 *   regex ever sees more than that limit (RegExp.prototype.exec is watched).
 * The old `/^bearer[ \t]+(.*)$/i` fails both: it ran on the whole 1 MB value and took minutes.
 */
import { createHash, X509Certificate } from "node:crypto";
import fc from "fast-check";
import { createAuthorizer, type AuthorizerHandler } from "../../handlers/authorizer";
import { extractAccessToken, MAX_AUTHORIZATION_CHARS, MAX_TOKEN_CHARS } from "../../handlers/lib/credential";
import { AccessDeniedError, CertificateFormatError, FingerprintFormatError } from "../../handlers/lib/errors";
import { MAX_FINGERPRINT_CHARS, MAX_PEM_CHARS, normalizeFingerprint, x5tS256FromPem } from "../../handlers/lib/thumbprint";
import { adversarialString, ONE_MB, regexInputLengths, regexInputLengthsAsync } from "../support/adversarial";
import { createCa, issueClientCert, type IssuedCertificate } from "../support/certificates";
import { requestAuthorizerEvent } from "../support/events";
import { accessTokenClaims, CLIENT_ID, createSigningKey, jwksOf, signJwt, USER_POOL_ID } from "../support/tokens";

const RUNS = 300;
const x5t = (der: Buffer) => createHash("sha256").update(der).digest("base64url");
const longest = (lengths: number[]) => lengths.reduce((a, b) => Math.max(a, b), 0);

const headerValues = adversarialString({
  prefixes: ["", "bearer", "Bearer ", "BEARER\t", "bearer \t ", "Basic ", "eyJhbGciOiJSUzI1NiJ9.", " \t"],
  pieces: [" ", "\t", "\n", "\r", "a", "Z", "0", "-", "_", ".", "=", ",", "\u2028", "\u00a0", "é", "bearer "],
  suffixes: ["", "\nx", "\r\n", "x", ".", "..", "=", " ", "\u2028", "a.b.c", "!"],
  limits: [MAX_TOKEN_CHARS, MAX_AUTHORIZATION_CHARS],
});

/** The rule, stated plainly (and only ever run on values within the limit). */
function expectedToken(value: string): string | undefined {
  const text = value.trim();
  const token = /^bearer[ \t]+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i.exec(text)?.[1]
    ?? (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(text) ? text : undefined);
  return token !== undefined && token.length <= MAX_TOKEN_CHARS ? token : undefined;
}

describe("the Authorization header", () => {
  it(`is parsed by the rule, with no regex on more than ${MAX_AUTHORIZATION_CHARS} characters (${RUNS} values up to 1 MB)`, () => {
    fc.assert(
      fc.property(headerValues, (value) => {
        const { result, error, lengths } = regexInputLengths(() => extractAccessToken({ Authorization: value }, { Authorization: [value] }));
        if (value.length > MAX_AUTHORIZATION_CHARS) {
          expect(lengths).toEqual([]);
          expect(error).toEqual(new AccessDeniedError("token_invalid"));
          return;
        }
        expect(longest(lengths)).toBeLessThanOrEqual(MAX_AUTHORIZATION_CHARS);
        const expected = expectedToken(value);
        if (expected === undefined) expect(error).toBeInstanceOf(AccessDeniedError);
        else expect(result).toBe(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it("accepts every well-formed credential up to the limit, whatever the blanks around it", () => {
    const segment = (max: number) => fc.string({ unit: fc.constantFrom(..."ABCxyz019-_"), minLength: 1, maxLength: max });
    const blanks = (min: number) => fc.string({ unit: fc.constantFrom(" ", "\t"), minLength: min, maxLength: 20 });
    fc.assert(
      fc.property(segment(200), segment(MAX_TOKEN_CHARS - 400), segment(200), fc.constantFrom("Bearer", "bearer", "BEARER", "bEaReR", ""), blanks(1), blanks(0), blanks(0),
        (header, payload, signature, scheme, between, before, after) => {
          const token = `${header}.${payload}.${signature}`;
          const value = `${before}${scheme ? `${scheme}${between}` : ""}${token}${after}`;
          expect(extractAccessToken({ Authorization: value }, undefined)).toBe(token);
        }),
      { numRuns: 200 },
    );
  });

  it("refuses the review's case, bearer + 30,000 spaces + a line break, before any regex", () => {
    const value = `bearer${" ".repeat(30_000)}\nx`; // 650 ms in the old regex, then "unsupported_scheme"
    const { error, lengths } = regexInputLengths(() => extractAccessToken({ Authorization: value }, undefined));
    expect(error).toEqual(new AccessDeniedError("token_invalid"));
    expect(lengths).toEqual([]);
  });
});

let cert: IssuedCertificate;
let authorize: AuthorizerHandler;
let validToken: string;
beforeAll(async () => {
  const key = createSigningKey();
  cert = await issueClientCert(await createCa(), "CN=adversarial", "rsa");
  validToken = signJwt(key, accessTokenClaims({ cnf: { "x5t#S256": x5t(cert.der) } }));
  authorize = createAuthorizer({ userPoolId: USER_POOL_ID, clientId: CLIENT_ID, jwks: jwksOf(key) });
});

const pemTexts = adversarialString({
  prefixes: ["", "-----BEGIN CERTIFICATE-----\n", "-----BEGIN CERTIFICATE-----", "-----BEGIN ", "\r\n"],
  pieces: ["-----BEGIN ", "-----END ", "CERTIFICATE", "-----", "-", "\n", "\r\n", " ", "\t", "A", "MIIB", "=", "==", "+", "/", "!"],
  suffixes: ["", "-----END CERTIFICATE-----\n", "-----END CERTIFICATE-----", "=", "-----", "x"],
  limits: [MAX_PEM_CHARS],
});

describe("the client certificate PEM", () => {
  it(`is refused unless it is one certificate, with no regex on more than ${MAX_PEM_CHARS} characters (${RUNS} texts up to 1 MB)`, () => {
    fc.assert(
      fc.property(pemTexts, (pem) => {
        const { result, error, lengths } = regexInputLengths(() => x5tS256FromPem(pem));
        if (pem.length > MAX_PEM_CHARS) expect(lengths).toEqual([]);
        expect(longest(lengths)).toBeLessThanOrEqual(MAX_PEM_CHARS);
        if (error === undefined) expect(result).toBe(x5t(new X509Certificate(pem).raw));
        else expect(error).toBeInstanceOf(CertificateFormatError);
      }),
      { numRuns: RUNS },
    );
  });

  it("gives the certificate's thumbprint whatever its wrapping and padding, up to the limit", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.constantFrom("\n", "\r\n"),
      fc.oneof(fc.integer({ min: 0, max: 1024 }), fc.integer({ min: MAX_PEM_CHARS - 2048, max: MAX_PEM_CHARS }), fc.integer({ min: 0, max: ONE_MB })), fc.integer({ min: 0, max: 64 }),
        (width, eol, padBefore, padAfter) => {
          const body = cert.der.toString("base64").match(new RegExp(`.{1,${width}}`, "g"))!.join(eol);
          const pem = `${" ".repeat(padBefore)}-----BEGIN CERTIFICATE-----${eol}${body}${eol}-----END CERTIFICATE-----${eol.repeat(padAfter)}`;
          const { result, error } = regexInputLengths(() => x5tS256FromPem(pem));
          if (pem.length > MAX_PEM_CHARS) expect(error).toBeInstanceOf(CertificateFormatError);
          else expect(result).toBe(x5t(cert.der));
        }),
      { numRuns: 200 },
    );
  });
});

describe("a stored fingerprint (the trigger's input)", () => {
  const fingerprints = adversarialString({
    prefixes: ["", "sha256 Fingerprint=", "SHA-256 fingerprint = ", "fingerprint"],
    pieces: ["sha256 ", "Fingerprint=", ":", "AB", "ab", "0", " ", "\t", "=", "-", "_", "+", "/"],
    suffixes: ["", "=", " x", ":", "\n"],
    limits: [MAX_FINGERPRINT_CHARS],
  });

  it(`is normalised or refused, with no regex on more than ${MAX_FINGERPRINT_CHARS} characters (${RUNS} values up to 1 MB)`, () => {
    fc.assert(
      fc.property(fingerprints, (value) => {
        const { result, error, lengths } = regexInputLengths(() => normalizeFingerprint(value));
        if (value.length > MAX_FINGERPRINT_CHARS) expect(lengths).toEqual([]);
        expect(longest(lengths)).toBeLessThanOrEqual(MAX_FINGERPRINT_CHARS);
        if (error === undefined) expect(Buffer.from(result!, "base64url")).toHaveLength(32);
        else expect(error).toBeInstanceOf(FingerprintFormatError);
      }),
      { numRuns: RUNS },
    );
  });
});

describe("the whole authorizer", () => {
  beforeEach(() => jest.spyOn(console, "log").mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it(`refuses adversarial headers and certificates up to 1 MB with the right reason (${RUNS} events)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(
        headerValues.map((header) => ({ header, pem: cert.pem, reasons: ["missing_token", "unsupported_scheme", "token_invalid"] })),
        pemTexts.map((pem) => ({ header: `Bearer ${validToken}`, pem, reasons: ["cert_missing", "cert_invalid"] })),
      ), async ({ header, pem, reasons }) => {
        const lines: string[] = [];
        jest.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
        const event = requestAuthorizerEvent({ authorization: header, certPem: pem });
        const { error, lengths } = await regexInputLengthsAsync(() => authorize(event));
        expect(error).toEqual(new Error("Unauthorized"));
        expect(reasons).toContain(JSON.parse(lines[0]).reason);
        expect(longest(lengths)).toBeLessThanOrEqual(MAX_PEM_CHARS);
      }),
      { numRuns: RUNS },
    );
  });
});
