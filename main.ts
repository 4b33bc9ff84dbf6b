/**
 * The CDKTF app: `cdktf synth` / `npm run synth` writes cdktf.out/stacks/cert-bound-api/cdk.tf.json.
 */
import { App } from "cdktf";
import { CertBoundApiStack } from "./stacks/cert-bound-api-stack";
import { STACK_NAME } from "./stacks/stack-name";

const app = new App();
new CertBoundApiStack(app, STACK_NAME);
app.synth();
