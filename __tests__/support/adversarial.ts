/**
 * Adversarial strings for parsers of attacker-controlled text, up to 1 MB: a prefix, a short
 * unit built from pieces chosen to provoke backtracking (runs of spaces before a line break,
 * dashes, dots, half-finished PEM lines…) repeated to a length, and a suffix that makes the
 * match fail at the very end. Lengths cluster around the parsers' limits and at 1 MB.
 */
import fc from "fast-check";

export const ONE_MB = 1 << 20;

/** Lengths: short, around each limit, anywhere up to 1 MB, and exactly 1 MB. */
export function adversarialLength(limits: readonly number[]): fc.Arbitrary<number> {
  return fc.oneof(
    fc.integer({ min: 0, max: 256 }),
    ...limits.map((limit) => fc.integer({ min: Math.max(0, limit - 256), max: limit + 256 })),
    fc.integer({ min: 0, max: ONE_MB }),
    fc.constant(ONE_MB),
  );
}

export interface AdversarialSpec {
  readonly prefixes: readonly string[];
  readonly pieces: readonly string[];
  readonly suffixes: readonly string[];
  readonly limits: readonly number[];
}

/** prefix + unit repeated + suffix, cut to the drawn length (the suffix is kept whole). */
export function adversarialString(spec: AdversarialSpec): fc.Arbitrary<string> {
  return fc
    .record({
      prefix: fc.constantFrom(...spec.prefixes),
      unit: fc.array(fc.constantFrom(...spec.pieces), { minLength: 1, maxLength: 6 }).map((parts) => parts.join("")),
      suffix: fc.constantFrom(...spec.suffixes),
      length: adversarialLength(spec.limits),
    })
    .map(({ prefix, unit, suffix, length }) => {
      const body = Math.max(0, length - prefix.length - suffix.length);
      return prefix + unit.repeat(Math.ceil(body / unit.length)).slice(0, body) + suffix;
    });
}

/**
 * Runs `fn` and returns the length of every string any regex was executed on meanwhile
 * (RegExp.prototype.exec is what test, replace, match, split and matchAll all call).
 */
export function regexInputLengths<T>(fn: () => T): { result?: T; error?: unknown; lengths: number[] } {
  const { lengths, restore } = watchRegexInputs();
  try {
    return { result: fn(), lengths };
  } catch (error) {
    return { error, lengths };
  } finally {
    restore();
  }
}

/** The same for an async call (the test awaits it before anything else runs). */
export async function regexInputLengthsAsync<T>(fn: () => Promise<T>): Promise<{ result?: T; error?: unknown; lengths: number[] }> {
  const { lengths, restore } = watchRegexInputs();
  try {
    return { result: await fn(), lengths };
  } catch (error) {
    return { error, lengths };
  } finally {
    restore();
  }
}

function watchRegexInputs(): { lengths: number[]; restore: () => void } {
  const original = RegExp.prototype.exec;
  const lengths: number[] = [];
  RegExp.prototype.exec = function exec(this: RegExp, input: string) {
    lengths.push(String(input).length);
    return original.call(this, input);
  };
  return { lengths, restore: () => void (RegExp.prototype.exec = original) };
}
