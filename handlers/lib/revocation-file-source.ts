/**
 * The CRL bundle and truststore read from files (`npm run local`, and tests). A file's
 * version is its inode, size and modification time, so an unchanged pair costs two stat calls.
 * Writers should replace the file atomically (write, then rename), as `cbat pki revoke` does.
 */
import { readFile, stat } from "node:fs/promises";
import type { RevocationSource } from "./revocation-store";

export interface FileRevocationSourceOptions {
  readonly crlFile: string;
  readonly truststoreFile: string;
}

export function fileRevocationSource(options: FileRevocationSourceOptions): RevocationSource {
  const { crlFile, truststoreFile } = options;
  if (typeof crlFile !== "string" || crlFile === "" || typeof truststoreFile !== "string" || truststoreFile === "") {
    throw new TypeError("fileRevocationSource: crlFile and truststoreFile must be file paths");
  }
  const versionOf = async (file: string) => {
    const { ino, size, mtimeMs } = await stat(file);
    return `${ino}:${size}:${mtimeMs}`;
  };
  return {
    description: `file ${crlFile} with truststore ${truststoreFile}`,
    async read(current) {
      const version = `${await versionOf(crlFile)}|${await versionOf(truststoreFile)}`;
      if (version === current) return undefined;
      const [crls, truststore] = await Promise.all([readFile(crlFile), readFile(truststoreFile)]);
      return { crls, truststore, version };
    },
  };
}
