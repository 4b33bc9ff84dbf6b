/** `cbat pki issue <name>`: a client certificate from the development CA, for a machine client of your own in `npm run local`. */
import { relative } from "node:path";
import type { Command } from "commander";
import { UserError } from "./errors";
import { folderProblem } from "./read-file";

export function registerPkiIssueCommand(pki: Command): void {
  pki
    .command("issue")
    .description("issue a client certificate from the development CA (creating the PKI if missing): <dir>/<name>.pem and its key, for a machine client you try with `npm run local`")
    .argument("<name>", "certificate name: lowercase letters, digits, hyphens (e.g. the machine client's name)")
    .option("--dir <dir>", "folder of the development PKI", ".local/pki")
    .option("--days <days>", "validity in days (capped at the CA's)", "365")
    .option("--subject <dn>", "the certificate's subject, an RFC 4514 DN (most specific RDN first): a tls_client_auth client's subjectDn", undefined)
    .addHelpText("after", [
      "\nExamples:",
      "  cbat pki issue partner-a --dir .local/pki",
      "  then in cbat.config.json: \"machineClients\": {\"partner-a\": {\"certificate\": \".local/pki/partner-a.pem\", \"scopes\": [\"cbat/invoke\"]}}",
      "  cbat pki issue partner --subject \"CN=partner,O=Example Partner\" --dir .local/pki",
      "  for a tls_client_auth client: {\"partner\": {\"tokenEndpointAuthMethod\": \"tls_client_auth\", \"subjectDn\": \"CN=partner,O=Example Partner\"}}",
    ].join("\n"))
    .action(async (name: string, options: { dir: string; days: string; subject?: string }) => {
      const days = Number(options.days);
      if (!Number.isInteger(days) || days < 1 || days > 3650) throw new UserError(`--days ${options.days}: not a whole number of days from 1 to 3650`, "e.g. --days 365.");
      // The PKI code (pkijs) loads here, not with every `cbat` start.
      const { DevCertificateNameError, DevCertificateSubjectError, issueDevClientCertificate }: typeof import("../local/dev-pki-issue") = require("../local/dev-pki-issue");
      let issued;
      try {
        issued = await issueDevClientCertificate(options.dir, name, days, options.subject);
      } catch (error) {
        if (error instanceof DevCertificateNameError) throw new UserError(error.message);
        if (error instanceof DevCertificateSubjectError) throw new UserError(`--subject: ${error.message}`);
        const e = error as NodeJS.ErrnoException;
        if (typeof e.code === "string" && typeof e.path === "string") throw new UserError(`--dir ${options.dir}: cannot write there: ${e.path}: ${folderProblem(e)}`, "pass --dir with the development PKI's folder (default .local/pki).");
        throw error;
      }
      const rel = (path: string) => relative(process.cwd(), path) || path;
      process.stdout.write([
        `issued ${rel(issued.certificate)} (key ${rel(issued.key)}, readable by you only) from the development CA`,
        `subject ${issued.subject}`,
        `x5t#S256 ${issued.x5tS256}`,
        ...(options.subject === undefined ? [
          "To try it as a machine client locally, add it to cbat.config.json (the path is relative to that file) and restart npm run local:",
          `  "machineClients": { "${name}": { "certificate": "${rel(issued.certificate)}", "scopes": [] } }`,
        ] : [
          "A tls_client_auth client registered by this subject DN gets tokens with it at once, no restart; to add one, put it in cbat.config.json and restart npm run local:",
          `  "machineClients": { "${name}": { "tokenEndpointAuthMethod": "tls_client_auth", "subjectDn": ${JSON.stringify(issued.subject)}, "scopes": [] } }`,
        ]),
        "The development CA is not in your AWS truststore: on AWS, use a certificate from your own CA.",
        "",
      ].join("\n"));
    });
}
