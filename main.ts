/**
 * The CDKTF app: `cdktf synth` / `npm run synth` writes cdktf.out/stacks/<stack>/cdk.tf.json,
 * one stack per configured environment (see stacks/deployment-config.ts), by default the
 * single stack `cert-bound-api` with a local state file.
 */
import { App } from "cdktf";
import { defineStacks } from "./stacks/app-stacks";
import { DeploymentConfigError, loadDeploymentConfig } from "./stacks/deployment-config";

// cdktf records a full stack trace for every token it creates; with source maps on (tsx turns
// them on), formatting those traces is most of the synth time of a large API. Our own errors
// name files and settings, not stack positions.
process.setSourceMapsEnabled(false);

try {
  const app = new App();
  defineStacks(app, loadDeploymentConfig());
  app.synth();
} catch (error) {
  if (!(error instanceof DeploymentConfigError)) throw error;
  console.error(`Configuration error: ${error.message}`);
  process.exit(1);
}
