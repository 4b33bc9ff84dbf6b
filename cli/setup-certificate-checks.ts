/**
 * What `cbat setup` concludes from ACM's DescribeCertificate of the custom domain's certificate
 * and of the ownership-verification certificate, before any apply:
 * - both are ISSUED;
 * - both cover `--domain` (the domain name or a SAN), with wildcards as ACM matches them: `*.`
 *   stands for exactly one label (`*.example.com` covers api.example.com, not example.com or
 *   a.b.example.com);
 * - an IMPORTED or PRIVATE domain certificate comes with an ownership-verification certificate,
 *   and that one is a public certificate issued by ACM (AMAZON_ISSUED).
 *   API Gateway, "How to turn on mutual TLS authentication for your REST APIs", section "Using
 *   imported or AWS Private CA certificates": "To use a certificate imported into ACM or a
 *   certificate from AWS Private CA with mutual TLS, API Gateway needs an
 *   ownershipVerificationCertificate issued by ACM. This ownership certificate is only used to
 *   verify that you have permissions to use the domain name"
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html).
 */
import type { SetupProblem } from "./setup-checks";

/** The fields of ACM's CertificateDetail that the checks read. */
export interface DescribedCertificate {
  readonly Status?: string;
  readonly Type?: string;
  readonly DomainName?: string;
  readonly SubjectAlternativeNames?: readonly string[];
}

/** Whether a certificate name (`api.example.com` or `*.example.com`) covers `domain`, as ACM matches it. */
export function nameCoversDomain(name: string, domain: string): boolean {
  const wanted = domain.toLowerCase().replace(/\.$/, "");
  const given = name.toLowerCase().replace(/\.$/, "");
  if (!given.startsWith("*.")) return given === wanted;
  const dot = wanted.indexOf(".");
  return dot > 0 && wanted.slice(dot + 1) === given.slice(2);
}

/** The names a certificate covers: its domain name and its SANs, without repeats. */
export function certificateNames(certificate: DescribedCertificate): string[] {
  return [...new Set([certificate.DomainName, ...(certificate.SubjectAlternativeNames ?? [])].filter((name): name is string => typeof name === "string" && name !== ""))];
}

const NEEDS_OWNERSHIP = new Set(["IMPORTED", "PRIVATE"]);
const OWNERSHIP_RULE = "API Gateway requires an ownership-verification certificate (a public ACM certificate for the domain) for a mutual TLS domain whose certificate is imported or from a private CA";

function coverageProblem(flag: string, arn: string, certificate: DescribedCertificate, domain: string): SetupProblem | undefined {
  const names = certificateNames(certificate);
  if (names.some((name) => nameCoversDomain(name, domain))) return undefined;
  const parent = domain.slice(domain.indexOf(".") + 1);
  return { flag, message: `${arn} is for ${names.join(", ") || "no domain name"}, which does not cover ${domain} (a wildcard covers one label): use a certificate for ${domain} or *.${parent}` };
}

/**
 * The problems of the two certificates as ACM describes them; `ownership` is undefined when no
 * --ownership-certificate-arn was given. Status problems come first: a certificate that is not
 * ISSUED is reported once, not also for its names.
 */
export function certificateProblems(domain: string, certificateArn: string, certificate: DescribedCertificate, ownership?: { readonly arn: string; readonly certificate: DescribedCertificate }): SetupProblem[] {
  const problems: Array<SetupProblem | undefined> = [];
  const notIssued = (flag: string, arn: string, described: DescribedCertificate) =>
    described.Status === "ISSUED" ? undefined : { flag, message: `${arn} is ${described.Status ?? "unknown"}, not ISSUED: finish its validation in ACM first` };

  problems.push(notIssued("--certificate-arn", certificateArn, certificate) ?? coverageProblem("--certificate-arn", certificateArn, certificate, domain));
  // ACM always says how a certificate came to be; without it, nothing here can be judged safe.
  if (certificate.Type === undefined) problems.push({ flag: "--certificate-arn", message: `${certificateArn}: ACM gave no certificate type, so whether API Gateway needs an ownership-verification certificate is unknown; check it with aws acm describe-certificate` });
  const type = certificate.Type ?? "";
  if (NEEDS_OWNERSHIP.has(type) && ownership === undefined) {
    problems.push({
      flag: "--ownership-certificate-arn",
      message: `is required: ${certificateArn} is ${type}, and ${OWNERSHIP_RULE}. Request a public one for ${domain} (aws acm request-certificate --domain-name ${domain} --validation-method DNS), validate it, and pass its ARN`,
    });
  }
  if (ownership !== undefined) {
    const flag = "--ownership-certificate-arn";
    if (ownership.certificate.Type !== "AMAZON_ISSUED") {
      problems.push({ flag, message: `${ownership.arn} is ${ownership.certificate.Type ?? "of no type ACM names"}: the ownership-verification certificate must be a public certificate issued by ACM (AMAZON_ISSUED) for ${domain}` });
    } else problems.push(notIssued(flag, ownership.arn, ownership.certificate) ?? coverageProblem(flag, ownership.arn, ownership.certificate, domain));
  }
  return problems.filter((problem): problem is SetupProblem => problem !== undefined);
}
