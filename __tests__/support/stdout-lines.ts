/**
 * The lines a Lambda entry point writes straight to stdout (its CloudWatch log, unprefixed),
 * captured for assertions; everything else written to stdout passes through unchanged.
 */
export function captureStdoutLines(keep: (line: string) => boolean): string[] {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  jest.spyOn(process.stdout, "write").mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    const kept = text.split("\n").filter((line) => line !== "" && keep(line));
    if (kept.length === 0) return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    lines.push(...kept);
    return true;
  }) as typeof process.stdout.write);
  return lines;
}

/** The authorizer's decision lines (handlers/lib/decision-log.ts). */
export const captureDecisionLines = () => captureStdoutLines((line) => line.includes('"message":"authorizer decision"'));
