/** Reads a file named on the command line; a failure names the option, the file and the reason. */
import { readFileSync } from "node:fs";
import { UserError } from "./errors";

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: "file not found",
  EISDIR: "is a folder, not a file",
  EACCES: "permission denied",
  EPERM: "permission denied",
  ENOTDIR: "a part of the path is not a folder",
};

/** @param option the flag that named the file (e.g. "--key"), if any */
export function readInputFile(file: string, option?: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    throw new UserError(`${option ? `${option} ` : ""}${file}: ${REASONS[code] ?? `cannot be read (${code || (error as Error).message})`}`);
  }
}

/** Why a folder cannot be created or written, for a UserError. */
export function folderProblem(error: NodeJS.ErrnoException): string {
  const code = error.code ?? "";
  if (code === "EEXIST" || code === "ENOTDIR") return "a file is in the way (not a folder)";
  if (code === "EROFS") return "read-only file system";
  return REASONS[code] ?? `cannot be written (${code || error.message})`;
}
