/**
 * The S3 backend as synthesized (encrypt, use_lockfile) driven by real terraform against a
 * minimal in-process S3 stand-in on loopback (the true edge we cannot reach): a plan must
 * take and release S3-native lock object `<key>.tflock`, which only `use_lockfile = true` does.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { assertTerraformAvailable, OfflineTerraform, synthApp, TEST_TFVARS } from "../support/terraform";

const BUCKET = "acme-terraform-state";
const KEY = "cert-bound-access-tokens/cert-bound-api/terraform.tfstate";

interface S3Request { method: string; path: string; ifNoneMatch?: string }

/** Just enough of S3 for Terraform's backend: list, get, head, put and delete of objects. */
function startFakeS3(log: S3Request[]): Promise<Server> {
  const objects = new Map<string, Buffer>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://s3.local");
    const path = decodeURIComponent(url.pathname);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      log.push({ method: req.method ?? "", path, ifNoneMatch: req.headers["if-none-match"] as string | undefined });
      const xml = (status: number, body: string) => {
        res.writeHead(status, { "content-type": "application/xml", "x-amz-request-id": "fake" });
        res.end(`<?xml version="1.0" encoding="UTF-8"?>${body}`);
      };
      if (req.method === "GET" && url.searchParams.get("list-type") === "2") {
        const prefix = url.searchParams.get("prefix") ?? "";
        const keys = [...objects.keys()].map((k) => k.slice(BUCKET.length + 2)).filter((k) => k.startsWith(prefix));
        return xml(200, `<ListBucketResult><Name>${BUCKET}</Name><Prefix>${prefix}</Prefix><KeyCount>${keys.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${keys.map((k) => `<Contents><Key>${k}</Key><Size>1</Size></Contents>`).join("")}</ListBucketResult>`);
      }
      if (req.method === "PUT") {
        if (req.headers["if-none-match"] === "*" && objects.has(path)) return xml(412, "<Error><Code>PreconditionFailed</Code><Message>exists</Message></Error>");
        objects.set(path, Buffer.concat(chunks));
        res.writeHead(200, { etag: '"fake-etag"' });
        return res.end();
      }
      if (req.method === "DELETE") {
        objects.delete(path);
        res.writeHead(204);
        return res.end();
      }
      const object = objects.get(path);
      if (!object) return xml(404, `<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>${path}</Key></Error>`);
      res.writeHead(200, { "content-length": object.length, etag: '"fake-etag"', "content-type": "application/octet-stream" });
      res.end(req.method === "HEAD" ? undefined : object);
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

let server: Server;
const requests: S3Request[] = [];

beforeAll(async () => {
  assertTerraformAvailable();
  server = await startFakeS3(requests);
});
afterAll(() => new Promise((resolve) => server?.close(resolve)));

/** Terraform runs as a child process while the fake S3 answers from this one: never block the event loop. */
async function ok(terraform: OfflineTerraform, ...args: string[]): Promise<void> {
  const result = await terraform.runAsync(...args);
  if (result.status !== 0) throw new Error(`terraform ${args[0]} failed:\n${result.stderr}`);
}

it("takes and releases the S3 lock file during a plan", async () => {
  const outdir = synthApp(undefined, { CBAT_BACKEND: "s3", CBAT_STATE_BUCKET: BUCKET, CBAT_STATE_REGION: "eu-west-1" });
  const terraform = new OfflineTerraform(join(outdir, "stacks", "cert-bound-api"));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Test-only backend settings: fake credentials and the loopback endpoint (never in what users deploy).
  const backendConfig = join(terraform.stackDir, "fake-s3.backend.tfvars");
  writeFileSync(backendConfig, [
    'access_key = "AKIAIOSFODNN7EXAMPLE"', 'secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
    "skip_credentials_validation = true", "skip_requesting_account_id = true", "skip_metadata_api_check = true",
    "skip_region_validation = true", "use_path_style = true", "max_retries = 1", `endpoints = { s3 = "${endpoint}" }`,
  ].join("\n"));
  await ok(terraform, "init", "-input=false", `-backend-config=${backendConfig}`);
  requests.length = 0;
  await ok(terraform, "plan", "-refresh=false", "-input=false", `-var-file=${terraform.writeVars("test.tfvars.json", TEST_TFVARS)}`);

  const lockPath = `/${BUCKET}/${KEY}.tflock`;
  const lockPuts = requests.filter((r) => r.method === "PUT" && r.path === lockPath);
  expect(lockPuts).toHaveLength(1);
  expect(lockPuts[0].ifNoneMatch).toBe("*"); // create-only: a second holder would get 412
  expect(requests.some((r) => r.method === "DELETE" && r.path === lockPath)).toBe(true);
  // The state itself is looked up under the per-stack key while the lock is held.
  const lockTaken = requests.indexOf(lockPuts[0]);
  const stateRead = requests.findIndex((r) => (r.method === "HEAD" || r.method === "GET") && r.path === `/${BUCKET}/${KEY}`);
  expect(stateRead).toBeGreaterThan(lockTaken);
  expect(stateRead).toBeLessThan(requests.findIndex((r) => r.method === "DELETE"));
}, 120_000);
