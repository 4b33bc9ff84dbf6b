/**
 * The PEM blocks of a text as operators have it (openssl's "Bag Attributes", `-text` output and
 * other text around them), found in linear time. Used by the CLI's certificate and truststore
 * readers; here, beside the strict PEM decoding it uses, so benchmarks and tools below the CLI can
 * measure it too.
 */
import { decodePemBlocks } from "./thumbprint";
import { CertificateFormatError } from "./errors";

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
