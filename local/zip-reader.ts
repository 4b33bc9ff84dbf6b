/** Reads the entries of a ZIP archive: the stack's reader (synth adds data files to packages with it). */
export { readZipEntries } from "../stacks/zip-reader";
