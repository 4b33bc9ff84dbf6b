/**
 * `cbat setup [--env NAME]`: what a first deployment needs, asked for (or taken from flags, for
 * CI), checked before any apply, and written to `<env>.tfvars`; then the exact plan and deploy
 * commands, and a checklist of what cannot be checked from here. Modelled on `sam deploy --guided`.
 * Offline it checks formats, regions and names (setup-checks.ts) and the truststore file with
 * `cbat truststore check`; with AWS credentials also the bucket's versioning, the certificate's
 * status and the domain prefix (setup-aws-checks.ts). The config loader, the truststore check and
 * the AWS SDK load when the command runs, not with every `cbat` start.
 */
import { existsSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { STACK_NAME } from "../stacks/stack-name";
import { UserError } from "./errors";
import { readInputFile } from "./read-file";
import { checkSetupAnswers, tfvarsOf, tfvarsText, type SetupAnswers } from "./setup-checks";

interface SetupOptions {
  env?: string;
  region?: string;
  domain?: string;
  certificateArn?: string;
  ownershipCertificateArn?: string;
  bucket?: string;
  truststoreKey?: string;
  truststore?: string;
  domainPrefix?: string;
  zoneId?: string;
  alarmTopicArn?: string;
  crlKey?: string;
  stateBucket?: string;
  out?: string;
  aws: boolean;
  force?: boolean;
}

/** The questions, in order: option key, flag, question, required. */
const QUESTIONS: ReadonlyArray<readonly [keyof SetupOptions, string, string, boolean]> = [
  ["region", "--region", "AWS region to deploy to (e.g. eu-west-1)", true],
  ["domain", "--domain", "the API's custom domain name (e.g. api.example.com)", true],
  ["certificateArn", "--certificate-arn", "ACM certificate ARN for that domain, in the same region", true],
  ["ownershipCertificateArn", "--ownership-certificate-arn", "ownership-verification certificate ARN (only if the domain's certificate is imported or from a private CA; empty: none)", false],
  ["bucket", "--bucket", "S3 bucket of the truststore (versioned)", true],
  ["truststoreKey", "--truststore-key", "object key of the truststore PEM bundle in that bucket", true],
  ["domainPrefix", "--domain-prefix", "Cognito domain prefix for machine clients' token endpoint (empty: none)", false],
  ["zoneId", "--zone-id", "Route 53 hosted zone id for the domain's alias record (empty: create the DNS record by hand)", false],
  ["alarmTopicArn", "--alarm-topic-arn", "SNS topic ARN the alarms notify (empty: none)", false],
  ["crlKey", "--crl-key", "object key of the CRL bundle in the truststore bucket (empty: no revocation check)", false],
  ["stateBucket", "--state-bucket", "S3 bucket for Terraform's state, versioned (empty: a local state file)", false],
];

const say = (text: string) => void process.stdout.write(`${text}\n`);

/**
 * `-var-file=<the file>` for the printed commands: absolute, since `npm run` and
 * `terraform -chdir` run elsewhere than here; single-quoted for a POSIX shell when needed.
 */
export function varFileArgument(file: string): string {
  const path = resolve(file);
  return `-var-file=${/^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, "'\\''")}'`}`;
}

async function ask(options: SetupOptions, needsDomainPrefix: boolean): Promise<void> {
  const missing = QUESTIONS.filter(([key, , , required]) => options[key] === undefined && (required || (key === "domainPrefix" && needsDomainPrefix)));
  if (missing.length === 0) return;
  if (!process.stdin.isTTY) {
    throw new UserError(`missing ${missing.map(([, flag]) => flag).join(", ")}`, "pass them as flags (non-interactive, e.g. in CI), or run cbat setup in a terminal to be asked.");
  }
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    for (const [key, flag, question, required] of QUESTIONS) {
      if (options[key] !== undefined) continue;
      const answer = (await prompt.question(`${question} [${flag}]: `)).trim();
      if (answer !== "") (options as unknown as Record<string, string>)[key] = answer;
      else if (required || (key === "domainPrefix" && needsDomainPrefix)) throw new UserError(`${flag} is required`);
    }
  } finally {
    prompt.close();
  }
}

export function registerSetupCommand(program: Command): void {
  program
    .command("setup")
    .description("guided setup of a first deployment: asks for (or takes as flags) what it needs, checks it, writes <env>.tfvars and prints the plan and deploy commands")
    .option("--env <name>", "environment name: writes <name>.tfvars (and the stack cert-bound-api-<name> when cbat.config.json has environments)")
    .option("--region <region>", "AWS region to deploy to")
    .option("--domain <name>", "custom domain name of the API")
    .option("--certificate-arn <arn>", "ACM certificate of the domain, in --region")
    .option("--ownership-certificate-arn <arn>", "ownership-verification certificate (imported or private-CA domain certificates)")
    .option("--bucket <bucket>", "truststore bucket (versioned)")
    .option("--truststore-key <key>", "truststore object key in the bucket")
    .option("--truststore <file>", "the truststore PEM on this machine, checked as API Gateway will (cbat truststore check)")
    .option("--domain-prefix <prefix>", "Cognito domain prefix (required with machineClients)")
    .option("--zone-id <id>", "Route 53 hosted zone of the domain (else: create the DNS record by hand)")
    .option("--alarm-topic-arn <arn>", "SNS topic for the alarms")
    .option("--crl-key <key>", "CRL bundle object key in the truststore bucket")
    .option("--state-bucket <bucket>", "S3 bucket for the Terraform state (else: local state file)")
    .option("--out <file>", "tfvars file to write (default <env>.tfvars, or cert-bound-api.tfvars without --env)")
    .option("--no-aws", "do not call AWS, even with credentials")
    .option("--force", "overwrite the tfvars file")
    .addHelpText("after", "\nExample:\n  cbat setup --env prod --region eu-west-1 --domain api.example.com \\\n    --certificate-arn arn:aws:acm:eu-west-1:123456789012:certificate/0b1c2d3e-… \\\n    --bucket my-truststores --truststore-key truststore.pem --truststore truststore.pem")
    .action(async (options: SetupOptions) => {
      if (options.env !== undefined && !/^[a-z][a-z0-9-]{0,19}$/.test(options.env)) throw new UserError(`--env ${options.env}: use 1-20 lowercase letters, digits and hyphens, starting with a letter`, "e.g. --env prod.");
      const { loadDeploymentConfig }: typeof import("../stacks/deployment-config") = require("../stacks/deployment-config");
      let deployment;
      try {
        deployment = loadDeploymentConfig();
      } catch (error) {
        throw new UserError((error as Error).message, "fix cbat.config.json (or CBAT_CONFIG) first: the setup reads its environments and machineClients.");
      }
      const environments = deployment.environments.map((e) => e.name);
      if (environments.length > 0 && (options.env === undefined || !environments.includes(options.env))) {
        throw new UserError(`cbat.config.json has the environments ${environments.join(", ")}`, `pass --env with one of them (the stack is cert-bound-api-<env>).`);
      }
      const stack = environments.length > 0 ? `${STACK_NAME}-${options.env}` : STACK_NAME;
      const needsDomainPrefix = (deployment.machineClients ?? []).length > 0;
      const out = options.out ?? `${options.env ?? STACK_NAME}.tfvars`;
      if (existsSync(out) && !options.force) throw new UserError(`${out} exists`, "pass --force to overwrite it, or --out another file.");

      await ask(options, needsDomainPrefix);
      const answers = options as unknown as SetupAnswers;
      const problems = checkSetupAnswers(answers, needsDomainPrefix);
      if (options.truststore !== undefined) {
        const { checkTruststore }: typeof import("./truststore-check") = require("./truststore-check");
        const report = await checkTruststore(readInputFile(options.truststore, "--truststore").toString("utf8"));
        for (const p of report.problems) if (p.severity === "error") problems.push({ flag: "--truststore", message: `${options.truststore}: ${p.certificate}: ${p.message}` });
      }
      const aws = options.aws && problems.length === 0 ? await (require("./setup-aws-checks") as typeof import("./setup-aws-checks")).checkWithAws(answers) : undefined;
      problems.push(...(aws?.problems ?? []));
      if (problems.length > 0) {
        throw new UserError(`not written: ${problems.length} problem(s)\n${problems.map((p) => `  ${p.flag}: ${p.message}`).join("\n")}`, "fix them and run cbat setup again; nothing was written.");
      }

      writeFileSync(out, tfvarsText(tfvarsOf(answers), `# Written by cbat setup for the stack ${stack} (${new Date().toISOString().slice(0, 10)}). Not committed (.gitignore): it names your account's resources.`));
      const synth = options.stateBucket ? `CBAT_BACKEND=s3 CBAT_STATE_BUCKET=${options.stateBucket} CBAT_STATE_REGION=${answers.region} npm run synth` : "npm run synth";
      const dir = `cdktf.out/stacks/${stack}`;
      say(`wrote ${out}`);
      for (const line of aws?.confirmed ?? []) say(`  checked: ${line}`);
      for (const line of [...(aws?.unchecked ?? []), ...(options.aws ? [] : ["AWS: not called (--no-aws)"])]) say(`  not checked: ${line}`);
      say([
        "",
        "Review the plan without an account, then plan and deploy (with credentials for the target account):",
        `  npm run plan:offline -- ${varFileArgument(out)}`,
        `  ${synth}`,
        `  terraform -chdir=${dir} init`,
        `  terraform -chdir=${dir} plan ${varFileArgument(out)} -out=tfplan`,
        `  terraform -chdir=${dir} apply tfplan`,
        "",
        "Before the apply, check by hand (cbat cannot):",
        `  [ ] the truststore holds exactly the CAs that issue your clients' certificates${options.truststore ? "" : " (cbat truststore check <file>)"}`,
        `  [ ] ${answers.zoneId ? `the hosted zone ${answers.zoneId} serves ${answers.domain}` : `after the apply, a DNS record for ${answers.domain} points at the output regional_domain_name`}`,
        `  [ ] ${options.stateBucket ? `s3://${options.stateBucket} is versioned and only the deployers can read it` : "the state stays in a local file: use --state-bucket for a team (docs/reference.md, Configuration)"}`,
        `  [ ] ${answers.alarmTopicArn ? `${answers.alarmTopicArn} has a confirmed subscription` : "no alarm topic: alarms notify nobody (--alarm-topic-arn)"}`,
        `  [ ] ${answers.crlKey ? `s3://${answers.bucket}/${answers.crlKey} is published before its CRLs' nextUpdate` : "no CRL: revoked certificates pass until they expire (--crl-key)"}`,
        "  [ ] one stack per account and region manages the API Gateway account setting (manage_api_gateway_account)",
      ].join("\n"));
    });
}
