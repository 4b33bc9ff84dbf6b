/**
 * An API document's text (YAML or JSON) as a value, and where its nodes are: "file:line" for
 * error messages.
 */
import { CORE_SCHEMA, load as loadYaml, YAMLException } from "js-yaml";
import type { Document, LineCounter } from "yaml";
import { ApiDocumentError } from "./api-document-error";
import { findDuplicateKey } from "./json-duplicate-keys";

/** "file:line" of the node at `keys`, or the file alone. */
export type At = (keys: readonly (string | number)[]) => string;

/**
 * The document's value, and `at(keys)`: "file:line" of a node, for error messages only.
 * Values come from JSON.parse (plus a duplicate-key pass) or js-yaml, the fast parsers; the
 * `yaml` parser, which keeps node positions but costs ten times more, runs only when an
 * error message needs a line (and is loaded only then: 72 modules, a tenth of a synth's start).
 */
export function parseText(text: string, source: string): { root: unknown; at: At } {
  let yamlDocument: { doc: Document; lineCounter: LineCounter } | undefined;
  const parsedYaml = () => {
    if (!yamlDocument) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { LineCounter, parseDocument } = require("yaml") as typeof import("yaml");
      const lineCounter = new LineCounter();
      yamlDocument = { doc: parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false }), lineCounter };
    }
    return yamlDocument;
  };
  const at: At = (keys) => {
    const { doc, lineCounter } = parsedYaml();
    const node = doc.getIn(keys, true) as { range?: [number, number, number] } | undefined;
    return node?.range ? `${source}:${lineCounter.linePos(node.range[0]).line}` : source;
  };
  if (/^\s*\{/.test(text)) {
    let root: unknown;
    try {
      root = JSON.parse(text);
    } catch {
      root = undefined; // the YAML parser below names the line
    }
    if (root !== undefined) {
      const duplicate = findDuplicateKey(text);
      if (duplicate) throw new ApiDocumentError(`${source}:${duplicate.line}: not valid JSON for an API document: the key ${JSON.stringify(duplicate.key)} appears twice in one object`);
      return { root, at };
    }
  }
  let root: unknown;
  try {
    // CORE_SCHEMA: YAML 1.2's core types only (no timestamps, no binary); duplicate keys throw.
    root = loadYaml(text, { schema: CORE_SCHEMA, filename: source });
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    const { line, column } = error.mark ?? { line: 0, column: 0 };
    throw new ApiDocumentError(`${source}:${line + 1}:${column + 1}: not valid YAML or JSON: ${error.reason}`);
  }
  const merge = findMergeKey(root, []);
  if (merge) throw new ApiDocumentError(`${at(merge)}: a YAML merge key "<<" (parsers disagree on it: some merge, some keep a "<<" field); write the fields out, or use an anchor for a whole value`);
  return { root, at };
}

/** The path to the first "<<" key, which YAML 1.2's core schema reads as a plain key. */
function findMergeKey(value: unknown, path: (string | number)[]): (string | number)[] | undefined {
  if (value === null || typeof value !== "object") return undefined;
  for (const [key, child] of Object.entries(value)) {
    const here = [...path, Array.isArray(value) ? Number(key) : key];
    if (key === "<<" && !Array.isArray(value)) return here;
    const found = findMergeKey(child, here);
    if (found) return found;
  }
  return undefined;
}
