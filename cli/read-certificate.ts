/**
 * Reads certificates from a file the way operators have them: PEM (one or a bundle, with
 * any text around the blocks, as openssl writes it) or DER.
 */
import { X509Certificate } from "node:crypto";
import { assertDerCertificateShape, decodePemBlocks } from "../handlers/lib/thumbprint";
import { CertificateFormatError } from "../handlers/lib/errors";
import { UserError } from "./errors";
import { readInputFile } from "./read-file";

/** A PEM block found in text; `der` is undefined when its body does not decode strictly. */
export interface FoundPemBlock {
  readonly label: string;
  readonly der?: Buffer;
}

/** Every PEM block in `text`, ignoring what stands around them (openssl's "Bag Attributes", `-text` output…). */
export function findPemBlocks(text: string): FoundPemBlock[] {
  return pemBlockSpans(text).map(({ block, label }) => {
    try {
      return { label, der: decodePemBlocks(block)[0].der };
    } catch (error) {
      if (error instanceof CertificateFormatError) return { label };
      throw error;
    }
  });
}

/**
 * What `/-----BEGIN ([^-]*)-----[^]*?-----END [^-]*-----/g` matches, found with indexOf in linear
 * time: that regex rescanned to the end of the text from every BEGIN line without an END
 * (seconds on a crafted 1 MB file).
 */
function pemBlockSpans(text: string): Array<{ block: string; label: string }> {
  const spans: Array<{ block: string; label: string }> = [];
  let position = 0;
  for (;;) {
    const begin = text.indexOf("-----BEGIN ", position);
    if (begin === -1) break;
    const labelStart = begin + "-----BEGIN ".length;
    const labelEnd = text.indexOf("-", labelStart);
    if (labelEnd === -1) break;
    if (!text.startsWith("-----", labelEnd)) {
      position = begin + 1;
      continue;
    }
    const end = endLineAfter(text, labelEnd + 5);
    if (end === -1) break; // no END line after this BEGIN, so none after any later BEGIN either
    spans.push({ block: text.slice(begin, end), label: text.slice(labelStart, labelEnd) });
    position = end;
  }
  return spans;
}

/** Index just past the first `-----END <label without '-'>-----` at or after `from`, or -1. */
function endLineAfter(text: string, from: number): number {
  for (let end = text.indexOf("-----END ", from); end !== -1; end = text.indexOf("-----END ", end + 1)) {
    const dash = text.indexOf("-", end + "-----END ".length);
    if (dash === -1) return -1;
    if (text.startsWith("-----", dash)) return dash + 5;
  }
  return -1;
}

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
