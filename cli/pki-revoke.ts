/** `cbat pki revoke <name>` / `cbat pki unrevoke <name>`: puts a development PKI certificate on the dev CA's CRL (`crl.pem`), or takes it off. */
import type { Command } from "commander";
import { DEV_PKI_FILES } from "../local/dev-pki-files";
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
        // The PKI code (pkijs) loads here, not with every `cbat` start.
        revocation = await (require("../local/dev-crl") as typeof import("../local/dev-crl")).revokeDevCertificate(options.dir, name);
      } catch (error) {
        throw new UserError((error as Error).message);
      }
      const what = `${name} (${revocation.subject}, serial ${revocation.serial})`;
      process.stdout.write(`${revocation.alreadyRevoked ? `${what} was already revoked; re-signed` : `revoked ${what}`} in ${revocation.crlFile}\n`);
    });
}

export function registerPkiUnrevokeCommand(pki: Command): void {
  pki
    .command("unrevoke")
    .description("take a development PKI certificate off the dev CA's CRL (crl.pem) and re-sign it; a running `npm run local` accepts it again within seconds")
    .argument("<name>", "certificate of the development PKI (client, client2, machine, or one from `cbat pki issue`)")
    .option("--dir <dir>", "folder of the development PKI", ".local/pki")
    .addHelpText("after", "\nExample:\n  cbat pki unrevoke client --dir .local/pki\nOnly a development CA un-revokes: on a real CA a revocation is final, issue a new certificate instead.")
    .action(async (name: string, options: { dir: string }) => {
      let result;
      try {
        result = await (require("../local/dev-crl") as typeof import("../local/dev-crl")).unrevokeDevCertificate(options.dir, name);
      } catch (error) {
        throw new UserError((error as Error).message);
      }
      process.stdout.write(`${result.wasRevoked ? `${name} is no longer revoked` : `${name} was not revoked; re-signed`} in ${result.crlFile}\n`);
    });
}
