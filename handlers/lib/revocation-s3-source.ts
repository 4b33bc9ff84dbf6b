/**
 * The CRL bundle and truststore read from S3 (the authorizer on AWS). The AWS SDK is not in the
 * bundle: Lambda's Node.js runtime provides it, and it is loaded only when revocation checking
 * is on, so an authorizer without a CRL starts as fast as before. Refreshes are conditional
 * requests (If-None-Match with the last ETag): an unchanged object is not downloaded again.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { withDeadline } from "./deadline";
import type { RevocationSource } from "./revocation-store";

export interface S3RevocationSourceOptions {
  readonly bucket: string;
  readonly crlKey: string;
  readonly truststoreKey: string;
  /**
   * The truststore's S3 version id: the one the custom domain uses (the stack passes the same
   * value to both), so the authorizer's trust anchors never drift from API Gateway's.
   * @default the latest version
   */
  readonly truststoreVersion?: string;
  /** @default the runtime's region (AWS_REGION); requests follow the bucket's region anyway */
  readonly region?: string;
  /** Another S3 endpoint (a loopback stand-in in tests). */
  readonly endpoint?: string;
  readonly forcePathStyle?: boolean;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /**
   * Deadline of one object's whole read (connect, headers and body, both attempts): the request
   * is aborted when it passes, so a hung S3 connection can never hold a refresh. @default 5
   */
  readonly timeoutSeconds?: number;
}

interface ObjectState {
  readonly etag: string;
  readonly body: Uint8Array;
}

export function s3RevocationSource(options: S3RevocationSourceOptions): RevocationSource {
  for (const name of ["bucket", "crlKey", "truststoreKey"] as const) {
    if (typeof options[name] !== "string" || options[name] === "") throw new TypeError(`s3RevocationSource: ${name} must be a non-empty string`);
  }
  const timeoutMs = (options.timeoutSeconds ?? 5) * 1000;
  let client: Promise<{ s3: S3Client; GetObjectCommand: typeof import("@aws-sdk/client-s3").GetObjectCommand }> | undefined;
  const objects = new Map<string, ObjectState>();
  let lastVersion: string | undefined;

  const connect = async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sdk = require("@aws-sdk/client-s3") as typeof import("@aws-sdk/client-s3");
    const s3 = new sdk.S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: options.credentials,
      followRegionRedirects: true,
      maxAttempts: 2,
      // throwOnRequestTimeout: without it this SDK only logs a warning when requestTimeout passes
      // and keeps waiting (@smithy/node-http-handler 4.x). The AbortSignal in fetchObject is the
      // deadline that covers the body too.
      requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs, throwOnRequestTimeout: true },
    });
    return { s3, GetObjectCommand: sdk.GetObjectCommand };
  };

  /** The object's bytes; `conditional` asks S3 to answer 304 when the ETag is still the one we hold. */
  const fetchObject = async (key: string, conditional: boolean, versionId?: string): Promise<{ state: ObjectState; changed: boolean }> => {
    client ??= connect();
    const { s3, GetObjectCommand } = await client;
    const known = conditional ? objects.get(key) : undefined;
    const where = `s3://${options.bucket}/${key}`;
    try {
      const state = await withDeadline(timeoutMs, `reading ${where}`, async (abortSignal) => {
        const response = await s3.send(new GetObjectCommand({ Bucket: options.bucket, Key: key, VersionId: versionId, IfNoneMatch: known?.etag }), { abortSignal });
        if (!response.Body) throw new Error(`${where} has no body`);
        abortSignal.addEventListener("abort", () => (response.Body as { destroy?: (error?: Error) => void }).destroy?.(new Error("deadline passed")), { once: true });
        return { etag: response.ETag ?? "", body: await response.Body.transformToByteArray() };
      });
      objects.set(key, state);
      return { state, changed: true };
    } catch (error) {
      if (known && (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 304) return { state: known, changed: false };
      throw error;
    }
  };

  return {
    description: `s3://${options.bucket}/${options.crlKey} with truststore s3://${options.bucket}/${options.truststoreKey}${options.truststoreVersion ? ` (version ${options.truststoreVersion})` : ""}`,
    async read(current) {
      const conditional = current !== undefined && current === lastVersion;
      const [crls, truststore] = await Promise.all([fetchObject(options.crlKey, conditional), fetchObject(options.truststoreKey, conditional, options.truststoreVersion || undefined)]);
      lastVersion = `${crls.state.etag}|${truststore.state.etag}`;
      if (conditional && !crls.changed && !truststore.changed) return undefined;
      return { crls: crls.state.body, truststore: truststore.state.body, version: lastVersion };
    },
  };
}
