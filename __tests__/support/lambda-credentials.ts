/** Credentials as Lambda provides them, in the environment, for one suite; the environment is restored after it. */
import { FAKE_CREDENTIALS } from "../../scripts/terraform/offline-provider";

/** AWS's documented example key pair (no stand-in checks it beyond the signature's scope). Call at the top of a suite. */
export function lambdaCredentialsForSuite(region = "eu-west-1"): void {
  const saved = { ...process.env };
  beforeAll(() => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKey, AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretKey, AWS_REGION: region });
  });
  afterAll(() => {
    process.env = saved;
  });
}
