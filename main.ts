/**
 * The CDKTF app: `cdktf synth` / `npm run synth` writes cdktf.out/stacks/<stack>/cdk.tf.json,
 * one stack per configured environment (see stacks/deployment-config.ts), by default the
 * single stack `cert-bound-api` with a local state file.
 */
import { App } from "cdktf";
// Only the package's public API (index.ts, its `exports`): this app is built the way a team's own is.
import { defineStacks, DeploymentConfigError, loadDeploymentConfig } from "./index";

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
