/** The options every command that talks to Cognito shares. */
import type { Command } from "commander";

export interface PoolCommandOptions {
  readonly userPoolId?: string;
  readonly clientId?: string;
  readonly region?: string;
  readonly endpoint?: string;
  readonly outputs?: string;
}

export function requestSettingOptions(command: Command): Command {
  return command
    .option("--user-pool-id <id>", "Cognito user pool id")
    .option("--client-id <id>", "app client id")
    .option("--region <region>", "AWS region (default: from the pool id, then AWS_REGION)")
    .option("--endpoint <url>", "Cognito endpoint, e.g. the local issuer http://127.0.0.1:9229")
    .option("--outputs <file>", "stack outputs (cdktf output --outputs-file, terraform output -json) or .local/stack.json");
}
