/**
 * The CDKTF app: `cdktf synth` / `npm run synth` writes cdktf.out/stacks/<stack>/cdk.tf.json,
 * one stack per configured environment (see stacks/deployment-config.ts), by default the
 * single stack `cert-bound-api` with a local state file.
 */
// First, before anything loads: tsx turns source maps on, and with them node reads the inline map
// of every module it loads and formats through them the full stack trace cdktf records for every
// token it creates: a sixth of a small app's synth, most of a large API's. Our own errors name
// files and settings, not stack positions. So the modules load below, by require, after it.
process.setSourceMapsEnabled(false);

/* eslint-disable @typescript-eslint/no-require-imports */
const { App } = require("cdktf") as typeof import("cdktf");
// Only the package's public API (index.ts, its `exports`): this app is built the way a team's own is.
const { defineStacks, DeploymentConfigError, loadDeploymentConfig } = require("./index") as typeof import("./index");
/* eslint-enable @typescript-eslint/no-require-imports */

try {
  const app = new App();
  defineStacks(app, loadDeploymentConfig());
  app.synth();
} catch (error) {
  if (!(error instanceof DeploymentConfigError)) throw error;
  console.error(`Configuration error: ${error.message}`);
  process.exit(1);
}
