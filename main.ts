/**
 * The CDKTF app: `cdktf synth` / `npm run synth` writes cdktf.out/stacks/cert-bound-api/cdk.tf.json.
 */
import { App } from "cdktf";
import { CertBoundApiStack } from "./stacks/cert-bound-api-stack";

/** Stack (and Terraform working directory) name. */
export const STACK_NAME = "cert-bound-api";

const app = new App();
new CertBoundApiStack(app, STACK_NAME);
app.synth();
