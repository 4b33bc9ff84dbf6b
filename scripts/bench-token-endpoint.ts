/**
 * `npm run bench` (third part): the mTLS token endpoint as it ships (the stack's token-endpoint
 * zip, loaded like `npm run local` loads it), with a real client certificate, a real CRL check and
 * a Cognito stand-in that counts its requests (each one a billed M2M token request on AWS) and
 * answers after 50 ms (a typical token endpoint round trip). A client asking for a token once a
 * second for an hour, with token reuse on (the default: a token is handed out again while more than
 * half of its 60-minute lifetime is left) and off. Prints Cognito requests and the endpoint's
 * median time, reused vs fetched. Then the registry: N clients whose registrations are in the
 * machine-client registry (one SSM parameter each, a loopback SSM stand-in), read through the
 * bundle's own reader: SSM calls for the first token of each, for the next ones within the 60 s
 * cache (target 0), and after it. Figures, not assertions.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { SsmStandIn } from "../__tests__/support/ssm-stand-in";
import { createCa, issueCertificate } from "../local/pki";
import { loadLambdaPackage } from "../local/lambda-package";
import { bundleHandler } from "../stacks/handler-bundle";
import { libraryCrl } from "../__tests__/support/crls";

const CLIENT_ID = "benchmtlsclient00000000001";
const REQUESTS = 3600; // one a second for an hour
const COGNITO_LATENCY_MS = 50;
const REGISTRY_PATH = "/bench/machine-client-bindings/";
const REGISTRY_CLIENTS = 500;

type Module = typeof import("../handlers/token-endpoint");

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "cbat-bench-token-"));
  try {
    const ca = await createCa("CN=Bench CA,O=cbat bench", { days: 30 });
    const cert = await issueCertificate(ca, "CN=payments,O=Partner A", { kind: "ecdsa", days: 10 });
    writeFileSync(join(dir, "ca.pem"), ca.pem);
    writeFileSync(join(dir, "crl.pem"), await libraryCrl(ca as never, []));
    const bundle = bundleHandler("token-endpoint");
    // Extracted under the project, so the SDK the bundle leaves out resolves as the Lambda runtime provides it.
    const module = loadLambdaPackage<Module>({ functionName: "bench-token-endpoint", zipPath: bundle.zipFile, environment: {} }, join(resolve(__dirname, ".."), "cdktf.out", "bench-token-endpoint"));
    const event = {
      httpMethod: "POST", resource: "/oauth2/token", headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `grant_type=client_credentials&client_id=${CLIENT_ID}&scope=accounts/read`, requestContext: { requestId: "bench", identity: { clientCert: { clientCertPem: cert.pem } } },
    };
    for (const reuseTokens of [true, false]) {
      let clock = Date.now();
      let cognitoRequests = 0;
      const endpoint = module.createTokenEndpoint({
        clients: { [CLIENT_ID]: { name: "partner-a", method: "tls_client_auth", subjectDn: "O=Partner A,CN=payments", scopes: ["accounts/read"] } },
        baseUrl: "https://api.example.com", issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Bench0001", cognitoTokenEndpoint: "https://bench.invalid/oauth2/token",
        secrets: async () => "bench-secret", voucherMac: module.hmacVoucherMac(randomBytes(32)),
        revocation: { source: module.fileRevocationSource({ crlFile: join(dir, "crl.pem"), truststoreFile: join(dir, "ca.pem") }) },
        requestToken: async () => {
          cognitoRequests++;
          await new Promise((resolve) => setTimeout(resolve, COGNITO_LATENCY_MS));
          return { accessToken: `token-${cognitoRequests}`, expiresIn: 3600, tokenType: "Bearer" };
        },
        reuseTokens, decisionLog: () => undefined, now: () => clock,
      });
      const fetched: number[] = [];
      const reused: number[] = [];
      // Simulated hour: the clock steps a second per request; only the 50 ms Cognito wait is real.
      const sampled = reuseTokens ? REQUESTS : 200;
      for (let i = 0; i < sampled; i++) {
        const before = cognitoRequests;
        const start = process.hrtime.bigint();
        const answer = await endpoint(event);
        const micros = Number(process.hrtime.bigint() - start) / 1000;
        if (answer.statusCode !== 200) throw new Error(`bench request refused: ${answer.body}`);
        (cognitoRequests > before ? fetched : reused).push(micros);
        clock += 1000;
      }
      endpoint.close();
      const median = (values: number[]) => (values.length === 0 ? NaN : [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]);
      const perHour = reuseTokens ? cognitoRequests : (cognitoRequests * REQUESTS) / sampled;
      console.log(`token endpoint, reuse ${reuseTokens ? "on " : "off"}: ${REQUESTS} requests in an hour → ${perHour} Cognito token requests` +
        `${reuseTokens ? ` (saved ${REQUESTS - perHour}, ${(((REQUESTS - perHour) / REQUESTS) * 100).toFixed(2)}%)` : ""}; median ${median(fetched).toFixed(0)} µs fetched` +
        `${reused.length ? `, ${median(reused).toFixed(0)} µs reused` : ""}`);
    }
    await registryCalls(module, cert.pem, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** SSM calls of the registrations of REGISTRY_CLIENTS clients: the first token of each, the next ones, and after the 60 s cache. */
async function registryCalls(module: Module, certPem: string, dir: string): Promise<void> {
  const ssm = new SsmStandIn("eu-west-1");
  const ssmEndpoint = await ssm.listen();
  Object.assign(process.env, { AWS_REGION: "eu-west-1", AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" });
  try {
    const ids = Array.from({ length: REGISTRY_CLIENTS }, (_, i) => `benchregistry${String(i).padStart(13, "0")}`);
    ids.forEach((id, i) => ssm.put(`${REGISTRY_PATH}${id}`, JSON.stringify({ clientId: id, "x5t#S256": "tls_client_auth", tokenEndpoint: { name: `client-${i}`, method: "tls_client_auth", subjectDn: "O=Partner A,CN=payments", scopes: ["accounts/read"] } })));
    let clock = Date.now();
    const endpoint = module.createTokenEndpoint({
      registry: module.registryTokenClients(module.ssmMachineRegistry({ parameterPath: REGISTRY_PATH, endpoint: ssmEndpoint, now: () => clock })),
      scopesSupported: ["accounts/read"],
      baseUrl: "https://api.example.com", issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Bench0001", cognitoTokenEndpoint: "https://bench.invalid/oauth2/token",
      secrets: async () => "bench-secret", voucherMac: module.hmacVoucherMac(randomBytes(32)),
      revocation: { source: module.fileRevocationSource({ crlFile: join(dir, "crl.pem"), truststoreFile: join(dir, "ca.pem") }) },
      requestToken: async () => ({ accessToken: "token", expiresIn: 3600, tokenType: "Bearer" }),
      decisionLog: () => undefined,
    });
    const round = async () => {
      const before = ssm.calls;
      for (const id of ids) {
        const answer = await endpoint({ httpMethod: "POST", resource: "/oauth2/token", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `grant_type=client_credentials&client_id=${id}`, requestContext: { requestId: "bench", identity: { clientCert: { clientCertPem: certPem } } } });
        if (answer.statusCode !== 200) throw new Error(`bench request refused: ${answer.body}`);
      }
      return ssm.calls - before;
    };
    const first = await round();
    clock += 59_000;
    const cached = await round();
    clock += 1_000;
    const after = await round();
    endpoint.close();
    console.log(`token endpoint registry, ${REGISTRY_CLIENTS} clients (one SSM parameter each): first token of each ${first} SSM calls (target ${REGISTRY_CLIENTS}), ` +
      `next within 60 s ${cached} (target 0), after 60 s ${after} (${REGISTRY_CLIENTS}: a changed registration is read)`);
  } finally {
    await ssm.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
