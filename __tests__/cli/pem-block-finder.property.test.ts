/**
 * The CLI's lenient PEM block finder (certificate files and truststores an operator receives)
 * on adversarial text up to 1 MB. Its specification is the regex it replaced, which rescanned
 * to the end of the text from every BEGIN line without an END: on small texts the finder must
 * find exactly what that regex finds; on large ones it must still run no regex over more than
 * one PEM block's limit. No timing here: `npm run bench` prints the time per call.
 */
import fc from "fast-check";
import { findPemBlocks } from "../../handlers/lib/pem-block-finder";
import { MAX_PEM_CHARS } from "../../handlers/lib/thumbprint";
import { adversarialString, regexInputLengths } from "../support/adversarial";
import { createCa, issueClientCert, type IssuedCertificate } from "../support/certificates";

const SPECIFICATION = /-----BEGIN ([^-]*)-----[^]*?-----END [^-]*-----/g;

const texts = (limits: number[]) => adversarialString({
  prefixes: ["", "Bag Attributes\n", "-----BEGIN CERTIFICATE-----\n", "-----BEGIN ", "-----END X-----"],
  pieces: ["-----BEGIN ", "-----END ", "CERTIFICATE", "X509 CRL", "-----", "----", "-", "\n", " ", "A", "MIIB", "=", "!"],
  suffixes: ["", "-----END CERTIFICATE-----\n", "-----END -----", "-----", "x"],
  limits,
});

let cert: IssuedCertificate;
beforeAll(async () => {
  cert = await issueClientCert(await createCa(), "CN=finder", "ecdsa");
});

it("finds exactly the blocks the regex it replaced finds (small texts, where the regex is still quick)", () => {
  fc.assert(
    fc.property(fc.tuple(texts([64, 512]), fc.constantFrom("", "real"), fc.nat({ max: 4096 })), ([noise, real, at]) => {
      const position = Math.min(at, noise.length);
      const text = real ? `${noise.slice(0, position)}${cert.pem}${noise.slice(position)}` : noise;
      if (text.length > 8192) return;
      const expected = [...text.matchAll(SPECIFICATION)].map(([, label]) => label);
      expect(findPemBlocks(text).map((block) => block.label)).toEqual(expected);
    }),
    { numRuns: 2000 },
  );
});

it(`runs no regex over more than ${MAX_PEM_CHARS} characters on texts up to 1 MB`, () => {
  fc.assert(
    fc.property(texts([MAX_PEM_CHARS]), (text) => {
      const { result, error, lengths } = regexInputLengths(() => findPemBlocks(text));
      expect(error).toBeUndefined();
      expect(lengths.reduce((a, b) => Math.max(a, b), 0)).toBeLessThanOrEqual(MAX_PEM_CHARS);
      for (const block of result!) expect(block.label).not.toContain("-");
    }),
    { numRuns: 100 },
  );
});

it("still finds a real certificate among 1 MB of unterminated BEGIN lines", () => {
  const noise = "-----BEGIN A-----".repeat(60_000);
  const blocks = findPemBlocks(`${cert.pem}${noise}`);
  expect(blocks).toEqual([{ label: "CERTIFICATE", der: cert.der }]);
  expect(findPemBlocks(noise)).toEqual([]);
});
