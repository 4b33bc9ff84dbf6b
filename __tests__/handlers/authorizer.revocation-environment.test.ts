/** Revocation settings of the Lambda entry point, from the environment the stack sets. */
import { createHash } from "node:crypto";
import { revocationFromEnvironment } from "../../handlers/lib/revocation-environment";
import { createCa, issueClientCert } from "../support/certificates";
import { captureDecisionLines } from "../support/stdout-lines";
import { requestAuthorizerEvent } from "../support/events";
import { accessTokenClaims, CLIENT_ID, createSigningKey, signJwt, USER_POOL_ID } from "../support/tokens";

const on = { CRL_KEY: "crls.pem", TRUSTSTORE_BUCKET: "truststores", TRUSTSTORE_KEY: "truststore.pem" };

it("is off when CRL_KEY is absent or empty (crl_key = null)", () => {
  expect(revocationFromEnvironment({})).toBeUndefined();
  expect(revocationFromEnvironment({ ...on, CRL_KEY: "" })).toBeUndefined();
});

it("reads both objects from the truststore bucket, with the stack's refresh and grace", () => {
  const options = revocationFromEnvironment({ ...on, CRL_REFRESH_SECONDS: "60", CRL_GRACE_SECONDS: "7200" })!;
  expect(options).toMatchObject({ refreshSeconds: 60, graceSeconds: 7200 });
  expect(options.source.description).toBe("s3://truststores/crls.pem with truststore s3://truststores/truststore.pem");
  expect(revocationFromEnvironment(on)).toMatchObject({ refreshSeconds: undefined, graceSeconds: undefined }); // the defaults, 300 and 3600
});

it("reads the truststore at TRUSTSTORE_VERSION, the version the custom domain uses; empty = latest", () => {
  expect(revocationFromEnvironment({ ...on, TRUSTSTORE_VERSION: "v2" })!.source.description).toBe("s3://truststores/crls.pem with truststore s3://truststores/truststore.pem (version v2)");
  expect(revocationFromEnvironment({ ...on, TRUSTSTORE_VERSION: "" })!.source.description).toBe("s3://truststores/crls.pem with truststore s3://truststores/truststore.pem");
});

it.each([
  [{ CRL_KEY: "crls.pem" }, /TRUSTSTORE_BUCKET or TRUSTSTORE_KEY is not/],
  [{ ...on, CRL_REFRESH_SECONDS: "5m" }, /CRL_REFRESH_SECONDS must be a whole number of seconds/],
  [{ ...on, CRL_GRACE_SECONDS: "-1" }, /CRL_GRACE_SECONDS must be a whole number of seconds/],
])("refuses %j", (env, message) => {
  expect(() => revocationFromEnvironment(env)).toThrow(message);
});

it("with CRL_KEY but no bucket, the handler refuses every request (config_error), never skipping the check", async () => {
  const saved = { ...process.env };
  Object.assign(process.env, { USER_POOL_ID, USER_POOL_CLIENT_ID: CLIENT_ID, CRL_KEY: "crls.pem" });
  delete process.env.TRUSTSTORE_BUCKET;
  const lines = captureDecisionLines(); // the entry point writes them to stdout
  try {
    let handler: typeof import("../../handlers/authorizer").handler | undefined;
    jest.isolateModules(() => {
      handler = (require("../../handlers/authorizer") as typeof import("../../handlers/authorizer")).handler;
    });
    const cert = await issueClientCert(await createCa(), "CN=env");
    const token = signJwt(createSigningKey(), accessTokenClaims({ cnf: { "x5t#S256": createHash("sha256").update(cert.der).digest("base64url") } }));
    await expect(handler!(requestAuthorizerEvent({ authorization: `Bearer ${token}`, certPem: cert.pem }))).rejects.toThrow(/^Unauthorized$/);
    expect(lines.map((line) => JSON.parse(line))).toEqual([expect.objectContaining({ decision: "Deny", reason: "config_error" })]);
  } finally {
    process.env = saved;
    jest.restoreAllMocks();
  }
});
