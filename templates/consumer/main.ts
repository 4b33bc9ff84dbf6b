/**
 * The CDKTF app: `npx cdktf synth` writes cdktf.out/stacks/<stack>/cdk.tf.json, one stack per
 * environment of cbat.config.json (by default the single stack `cert-bound-api`).
 * Compose your own stack from the package's constructs if you need more than CertBoundApiStack.
 */
import { App } from "cdktf";
import { defineStacks, DeploymentConfigError, loadDeploymentConfig } from "cert-bound-access-tokens";

try {
  const app = new App();
  // cbat.config.json in this folder, or the file named by CBAT_CONFIG; CBAT_* variables win.
  defineStacks(app, loadDeploymentConfig());
  app.synth();
} catch (error) {
  if (!(error instanceof DeploymentConfigError)) throw error;
  console.error(`Configuration error: ${error.message}`);
  process.exit(1);
}
