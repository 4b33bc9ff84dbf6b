/** How `cbat setup` matches ACM certificate names to --domain: as ACM does, `*.` is one label. */
import { certificateNames, certificateProblems, nameCoversDomain } from "../../cli/setup-certificate-checks";

it.each([
  ["api.example.com", "api.example.com", true],
  ["API.Example.com", "api.example.com", true],
  ["*.example.com", "api.example.com", true],
  ["*.example.com", "example.com", false],
  ["*.example.com", "a.b.example.com", false],
  ["*.example.com", "api.example.org", false],
  ["example.com", "api.example.com", false],
  ["*.api.example.com", "api.example.com", false],
])("%s covers %s: %s", (name, domain, covers) => expect(nameCoversDomain(name, domain)).toBe(covers));

it("reads the domain name and the SANs, once each", () => {
  expect(certificateNames({ DomainName: "api.example.com", SubjectAlternativeNames: ["api.example.com", "*.example.com"] })).toEqual(["api.example.com", "*.example.com"]);
});

it("reports a certificate that is not issued once, not also for its names or type", () => {
  const problems = certificateProblems("api.example.com", "arn:a", { Status: "PENDING_VALIDATION", Type: "AMAZON_ISSUED", DomainName: "other.example.org" });
  expect(problems).toEqual([{ flag: "--certificate-arn", message: "arn:a is PENDING_VALIDATION, not ISSUED: finish its validation in ACM first" }]);
});

it("accepts an issued public certificate covering the domain without an ownership certificate", () => {
  expect(certificateProblems("api.example.com", "arn:a", { Status: "ISSUED", Type: "AMAZON_ISSUED", DomainName: "*.example.com" })).toEqual([]);
});

it("judges no certificate safe without the type ACM always gives (review finding L5)", () => {
  const issued = { Status: "ISSUED", DomainName: "api.example.com" };
  expect(certificateProblems("api.example.com", "arn:a", issued).map((p) => p.flag)).toEqual(["--certificate-arn"]);
  const ownership = certificateProblems("api.example.com", "arn:a", { ...issued, Type: "IMPORTED" }, { arn: "arn:o", certificate: issued });
  expect(ownership).toEqual([{ flag: "--ownership-certificate-arn", message: expect.stringContaining("arn:o is of no type ACM names: the ownership-verification certificate must be a public certificate issued by ACM") }]);
});
