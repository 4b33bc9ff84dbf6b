/**
 * Reads certificates from a file the way operators have them: PEM (one or a bundle, with
 * any text around the blocks, as openssl writes it) or DER.
 */
import { X509Certificate } from "node:crypto";
import { assertDerCertificateShape } from "../handlers/lib/thumbprint";
import { CertificateFormatError } from "../handlers/lib/errors";
import { UserError } from "./errors";
import { readInputFile } from "./read-file";

import { findPemBlocks } from "../handlers/lib/pem-block-finder";

/**
 * DER bytes of every certificate in the file, in order.
 * @param option the flag that named the file (e.g. "--cert"), for messages
 * @throws UserError naming the file
 */
export function readCertificates(file: string, option?: string): Buffer[] {
  const bytes = readInputFile(file, option);
  const named = `${option ? `${option} ` : ""}${file}`;
  if (bytes[0] === 0x30) {
    try {
      assertDerCertificateShape(bytes);
      return [bytes];
    } catch {
      throw new UserError(`${named}: not a DER certificate (truncated or corrupt)`);
    }
  }
  const blocks = findPemBlocks(bytes.toString("utf8"));
  const certificates = blocks.filter((block) => block.label === "CERTIFICATE");
  if (certificates.length === 0) {
    const found = blocks.length > 0 ? `; it holds ${blocks.map((b) => `a ${b.label}`).join(", ")}` : "";
    throw new UserError(`${named}: no certificate found (expected a PEM "BEGIN CERTIFICATE" block or DER)${found}`);
  }
  return certificates.map(({ der }, index) => {
    try {
      if (!der) throw new CertificateFormatError("its base64 body does not decode");
      assertDerCertificateShape(der);
      return der;
    } catch (error) {
      if (error instanceof CertificateFormatError) throw new UserError(`${named}: certificate ${index + 1} is not valid PEM (${error.message})`);
      throw error;
    }
  });
}

/** PEM text of DER certificates (what Node's TLS options take). */
export function pemOf(certificates: readonly Buffer[]): string {
  return certificates.map((der) => new X509Certificate(der).toString()).join("");
}
