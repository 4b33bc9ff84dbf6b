/** `cbat pki revoke <name>`: puts a development PKI certificate on the dev CA's CRL (`crl.pem`). */
import type { Command } from "commander";
import { revokeDevCertificate } from "../local/dev-crl";
import { DEV_PKI_FILES } from "../local/dev-pki";
import { UserError } from "./errors";

export function registerPkiRevokeCommand(pki: Command): void {
  pki
    .command("revoke")
    .description("revoke a development PKI certificate: add it to the dev CA's CRL (crl.pem) and re-sign it; a running `npm run local` refuses it within seconds")
    .argument("<name>", `certificate of the development PKI (${DEV_PKI_FILES.filter((name) => name !== "ca").join(", ")})`)
    .option("--dir <dir>", "folder of the development PKI", ".local/pki")
    .addHelpText("after", "\nExample:\n  cbat pki revoke client --dir .local/pki")
    .action(async (name: string, options: { dir: string }) => {
      let revocation;
      try {
        revocation = await revokeDevCertificate(options.dir, name);
      } catch (error) {
        throw new UserError((error as Error).message);
      }
      const what = `${name} (${revocation.subject}, serial ${revocation.serial})`;
      process.stdout.write(`${revocation.alreadyRevoked ? `${what} was already revoked; re-signed` : `revoked ${what}`} in ${revocation.crlFile}\n`);
    });
}
