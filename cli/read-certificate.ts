/**
 * Reads certificates from a file the way operators have them: PEM (one or a bundle, with
 * any text around the blocks, as openssl writes it) or DER.
 */
import { readFileSync } from "node:fs";
import { assertDerCertificateShape, decodePemBlocks } from "../handlers/lib/thumbprint";
import { CertificateFormatError } from "../handlers/lib/errors";
import { UserError } from "./errors";

const PEM_BLOCK = /-----BEGIN ([^-]*)-----[^]*?-----END [^-]*-----/g;

/** A PEM block found in text; `der` is undefined when its body does not decode strictly. */
export interface FoundPemBlock {
  readonly label: string;
  readonly der?: Buffer;
}

/** Every PEM block in `text`, ignoring what stands around them (openssl's "Bag Attributes", `-text` output…). */
export function findPemBlocks(text: string): FoundPemBlock[] {
  return [...text.matchAll(PEM_BLOCK)].map(([block, label]) => {
    try {
      return { label, der: decodePemBlocks(block)[0].der };
    } catch (error) {
      if (error instanceof CertificateFormatError) return { label };
      throw error;
    }
  });
}

/** DER bytes of every certificate in the file, in order. @throws UserError naming the file */
export function readCertificates(file: string): Buffer[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`${file}: ${code === "ENOENT" ? "file not found" : code === "EISDIR" ? "is a folder, not a certificate file" : "cannot be read"}`);
  }
  if (bytes[0] === 0x30) {
    try {
      assertDerCertificateShape(bytes);
      return [bytes];
    } catch {
      throw new UserError(`${file}: not a DER certificate (truncated or corrupt)`);
    }
  }
  const blocks = findPemBlocks(bytes.toString("utf8")).filter((block) => block.label === "CERTIFICATE");
  if (blocks.length === 0) throw new UserError(`${file}: no certificate found (expected a PEM "BEGIN CERTIFICATE" block or DER)`);
  return blocks.map(({ der }, index) => {
    try {
      if (!der) throw new CertificateFormatError("its base64 body does not decode");
      assertDerCertificateShape(der);
      return der;
    } catch (error) {
      if (error instanceof CertificateFormatError) throw new UserError(`${file}: certificate ${index + 1} is not valid PEM (${error.message})`);
      throw error;
    }
  });
}
