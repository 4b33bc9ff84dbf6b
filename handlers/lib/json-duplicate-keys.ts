/**
 * JSON.parse keeps the last of two equal keys in an object without a word; in an API document
 * that silently drops a path or an operation, or a registry value's first fingerprint. One linear pass over valid JSON text finds the
 * first key repeated within one object, and its line.
 */
export interface DuplicateKey {
  readonly key: string;
  readonly line: number;
}

/** @param text JSON text that JSON.parse accepts */
export function findDuplicateKey(text: string): DuplicateKey | undefined {
  const objects: Array<Set<string> | undefined> = []; // one entry per open {…} or […]
  let line = 1;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") line++;
    else if (c === "{") {
      objects.push(new Set());
      expectKey = true;
    } else if (c === "[") objects.push(undefined);
    else if (c === "}" || c === "]") objects.pop();
    else if (c === ",") expectKey = objects[objects.length - 1] !== undefined;
    else if (c === '"') {
      const start = i;
      for (i++; text[i] !== '"'; i++) if (text[i] === "\\") i++;
      const keys = objects[objects.length - 1];
      if (expectKey && keys) {
        const key = JSON.parse(text.slice(start, i + 1)) as string;
        if (keys.has(key)) return { key, line };
        keys.add(key);
      }
      expectKey = false;
    }
  }
  return undefined;
}
