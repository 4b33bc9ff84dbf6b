/**
 * The CRL bundle and truststore read from files (`npm run local`, and tests). A file's
 * version is its inode, size and modification time, so an unchanged pair costs two stat calls.
 * Writers should replace the file atomically (write, then rename), as `cbat pki revoke` does.
 */
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
  // Loaded on first read: node:fs/promises costs a cold start about 2 ms, and the Lambda never reads
  // files. (require, not import(): bundles also run inside Jest's module system, which has no import().)
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = async () => require("node:fs/promises") as typeof import("node:fs/promises");
  const versionOf = async (file: string) => {
    const { ino, size, mtimeMs } = await (await fs()).stat(file);
    return `${ino}:${size}:${mtimeMs}`;
  };
  return {
    description: `file ${crlFile} with truststore ${truststoreFile}`,
    async read(current) {
      const version = `${await versionOf(crlFile)}|${await versionOf(truststoreFile)}`;
      if (version === current) return undefined;
      const { readFile } = await fs();
      const [crls, truststore] = await Promise.all([readFile(crlFile), readFile(truststoreFile)]);
      return { crls, truststore, version };
    },
  };
}
