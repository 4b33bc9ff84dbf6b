/** The options every command that talks to Cognito shares. */
import { InvalidArgumentError, type Command } from "commander";

export interface PoolCommandOptions {
  readonly userPoolId?: string;
  readonly clientId?: string;
  readonly region?: string;
  readonly endpoint?: string;
  readonly outputs?: string;
  readonly timeout: number;
}

export function requestSettingOptions(command: Command): Command {
  return command
    .option("--user-pool-id <id>", "Cognito user pool id")
    .option("--client-id <id>", "app client id")
    .option("--region <region>", "AWS region (default: from the pool id, then AWS_REGION)")
    .option("--endpoint <url>", "Cognito endpoint, e.g. the local issuer http://127.0.0.1:9229")
    .option("--outputs <file>", "stack outputs (cdktf output --outputs-file, terraform output -json) or .local/stack.json")
    .option("--timeout <seconds>", "give up on a Cognito request that gets no answer within this time (per attempt; the SDK tries 3 times)", secondsOption, 30);
}

/** Parses `--timeout`: seconds, more than 0 and at most an hour (commander reports a bad value as a usage error). */
export function secondsOption(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) throw new InvalidArgumentError("expected a number of seconds, more than 0 and at most 3600.");
  return seconds;
}
