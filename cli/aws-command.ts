/**
 * `cbat aws -- <aws arguments>`: the AWS CLI against the local environment's Cognito-compatible
 * issuer, with what it needs and a new user would have to guess: dummy credentials (the issuer
 * checks only the signature's region), the pool's region, and `--endpoint-url`, all from
 * `.local/stack.json`. Your own AWS credentials and profile are not passed to it.
 */
import { spawn } from "node:child_process";
import type { Command } from "commander";
import { localAwsCliEnvironment } from "../local/instructions";
import { UserError } from "./errors";
import { readInputFile } from "./read-file";

/** Settings of the process environment that would point the AWS CLI at a real account. */
const REAL_ACCOUNT_SETTINGS = ["AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"];

interface LocalIssuer {
  readonly endpoint: string;
  readonly region: string;
}

function readLocalIssuer(file: string): LocalIssuer {
  let outputs: { issuerEndpoint?: unknown; region?: unknown };
  try {
    outputs = JSON.parse(readInputFile(file, "--outputs").toString("utf8"));
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`--outputs ${file}: not JSON`, "pass the local environment's summary, .local/stack.json (npm run local writes it).");
  }
  if (typeof outputs?.issuerEndpoint !== "string" || typeof outputs.region !== "string") {
    throw new UserError(`--outputs ${file}: no issuerEndpoint and region: cbat aws is for the local environment's issuer only`, "pass .local/stack.json from a running npm run local; against AWS, run aws itself with your credentials.");
  }
  return { endpoint: outputs.issuerEndpoint, region: outputs.region };
}

/** The AWS CLI's environment for the local issuer: this one without real-account settings, plus dummy credentials and the region. */
export function awsCliEnvironment(base: NodeJS.ProcessEnv, region: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, ...localAwsCliEnvironment(region), AWS_REGION: region };
  for (const name of REAL_ACCOUNT_SETTINGS) delete env[name];
  return env;
}

export function registerAwsCommand(program: Command): void {
  program
    .command("aws")
    .description("run the AWS CLI against the local issuer of `npm run local`: dummy credentials, its region and --endpoint-url from .local/stack.json")
    .argument("<arguments...>", "the AWS CLI's arguments, after --")
    .option("--outputs <file>", "the local environment's summary", ".local/stack.json")
    .addHelpText("after", "\nExample:\n  cbat aws -- cognito-idp list-users --user-pool-id eu-west-1_cbatLocal\n  cbat aws --outputs other/stack.json -- cognito-idp list-groups --user-pool-id eu-west-1_cbatLocal")
    .action(async (args: string[], options: { outputs: string }) => {
      const issuer = readLocalIssuer(options.outputs);
      const endpoint = args.includes("--endpoint-url") ? [] : ["--endpoint-url", issuer.endpoint];
      const code = await new Promise<number>((resolve, reject) => {
        const child = spawn("aws", [...args, ...endpoint], { stdio: "inherit", env: awsCliEnvironment(process.env, issuer.region) });
        child.once("error", (error: NodeJS.ErrnoException) => {
          if (error.code === "ENOENT") reject(new UserError("the AWS CLI (aws) is not on the PATH", "install it (pip install awscli, or AWS's installer for version 2), or use the curl commands npm run local prints."));
          else reject(error);
        });
        child.once("close", (exitCode) => resolve(exitCode ?? 1));
      });
      process.exitCode = code;
    });
}
