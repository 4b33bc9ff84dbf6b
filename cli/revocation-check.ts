/**
 * `cbat revocation check --crl <file> --truststore <file> <cert>`: what the authorizer would
 * say about a certificate, offline. Exit 0 `good`, 1 `revoked on <date>`, 2 when the CRLs cannot
 * decide (unreadable, not signed by a truststore CA, expired, or none from the certificate's CA).
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { certificateIdentity } from "../handlers/lib/certificate-identity";
import { readCrlBundle } from "../handlers/lib/crl";
import { AUTHORIZER_MEMORY_MB, crlBundleLimitBytes, MAX_CRLS_PER_BUNDLE } from "../handlers/lib/crl-bundle-limit";
import { crlSigner } from "../handlers/lib/crl-signature";
import { nameText } from "../handlers/lib/der";
import { RevocationListError } from "../handlers/lib/errors";
import { RevocationList } from "../handlers/lib/revocation-list";
import { readTruststore } from "../handlers/lib/trust-anchors";
import { UserError } from "./errors";
import { readCertificates } from "./read-certificate";

/** The CRLs cannot decide: exit 2. */
class Undecided extends Error {}

export function registerRevocationCommands(program: Command): void {
  program
    .command("revocation")
    .description("certificate revocation tools")
    .command("check")
    .description("check a certificate against a CRL bundle verified with the truststore, as the authorizer does (exit 0 good, 1 revoked, 2 undecided)")
    .argument("<cert>", "client certificate (PEM or DER)")
    .requiredOption("--crl <file>", "CRL bundle (PEM, one CRL per CA) or one DER CRL")
    .requiredOption("--truststore <file>", "PEM bundle of the CA certificates (the mutual-TLS truststore)")
    .option("--authorizer-memory <MB>", "the authorizer's memory: a bundle larger than it can load is refused, as the authorizer would", String(AUTHORIZER_MEMORY_MB))
    .addHelpText("after", `\nThe authorizer loads at most ${crlBundleLimitBytes()} bytes of CRLs at its ${AUTHORIZER_MEMORY_MB} MB (and at most ${MAX_CRLS_PER_BUNDLE} CRLs).\n\nExample:\n  cbat revocation check --crl crls.pem --truststore truststore.pem alice.pem`)
    .action((certFile: string, options: { crl: string; truststore: string; authorizerMemory: string }) => {
      try {
        const memoryMb = Number(options.authorizerMemory);
        if (!Number.isInteger(memoryMb) || memoryMb < 128 || memoryMb > 10_240) throw new UserError("--authorizer-memory must be a whole number of MB from 128 to 10240 (Lambda's range)");
        const verdict = check(certFile, options.crl, options.truststore, crlBundleLimitBytes(memoryMb));
        process.stdout.write(`${verdict.line}\n`);
        process.stderr.write(`${verdict.detail}\n`);
        process.exitCode = verdict.revoked ? 1 : 0;
      } catch (error) {
        if (!(error instanceof Undecided || error instanceof RevocationListError || error instanceof UserError)) throw error;
        process.stderr.write(`cbat: ${error.message}\n`);
        process.exitCode = 2;
      }
    });
}

function check(certFile: string, crlFile: string, truststoreFile: string, maxBundleBytes: number): { revoked: boolean; line: string; detail: string } {
  const [certificate] = readCertificates(certFile);
  const within = (file: string, read: () => unknown) => {
    try {
      return read();
    } catch (error) {
      if (error instanceof RevocationListError) throw new Undecided(`${file}: ${error.message}`);
      throw error;
    }
  };
  const truststore = readInput(truststoreFile);
  const anchors = within(truststoreFile, () => readTruststore(truststore)) as ReturnType<typeof readTruststore>;
  const crlBytes = readInput(crlFile);
  // The authorizer's own loader first (size limit, signatures before entries), then the details.
  const list = within(crlFile, () => RevocationList.fromBundles(crlBytes, truststore, { maxBundleBytes })) as RevocationList;
  const crls = within(crlFile, () => readCrlBundle(crlBytes, maxBundleBytes)) as ReturnType<typeof readCrlBundle>;
  for (const crl of crls) within(crlFile, () => crlSigner(crl, anchors));
  const identity = within(certFile, () => certificateIdentity(certificate)) as ReturnType<typeof certificateIdentity>;
  const own = crls.filter((crl) => crl.issuerKey === identity.issuerKey);
  if (own.length === 0) throw new Undecided(`${crlFile} has no CRL from ${certFile}'s issuer, so it cannot tell; add that CA's CRL`);
  const issuer = nameText(own[0].issuer);
  const status = list.statusOf(identity, Date.now(), 0);
  for (const crl of status === "revoked" ? own : []) {
    const revokedAt = crl.revocationTimeOf(identity.serialKey);
    if (revokedAt !== undefined) return { revoked: true, line: `revoked on ${new Date(revokedAt).toISOString()}`, detail: `${crl.label} of ${crlFile} (${issuer}) lists serial ${identity.serialKey}` };
  }
  const nextUpdate = Math.max(...own.map((crl) => crl.nextUpdate));
  if (status === "stale" && Date.now() <= nextUpdate) {
    throw new Undecided(`${crlFile} has no current CRL that covers ${certFile}: its CA is another truststore CA of the same name, or its CA publishes partitioned CRLs and the partition its cRLDistributionPoints names is missing`);
  }
  if (Date.now() > nextUpdate) throw new Undecided(`${crlFile}: the newest CRL of ${issuer} expired at ${new Date(nextUpdate).toISOString()} (nextUpdate); publish a current one`);
  return { revoked: false, line: "good", detail: `not on the CRL of ${issuer}, current until ${new Date(nextUpdate).toISOString()}` };
}

function readInput(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new Undecided(`${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : "cannot be read"}`);
  }
}
