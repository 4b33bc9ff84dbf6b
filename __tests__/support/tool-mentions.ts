/**
 * The other programs' command lines the docs show — `terraform`, `aws`, `openssl`, `curl` — judged
 * against those programs themselves, as doc-commands.ts judges `npm run` and `cbat`: the
 * subcommand exists and each option is one it takes (from its own help, or for `aws` from
 * botocore's service models, which the CLI is generated from). Placeholders (`…`, `<x>`) and
 * prose are skipped; what is after a pipe, `&&`, `;`, `>` or a `#` comment is another command.
 */
import { execFileSync, spawnSync } from "node:child_process";

const memo = <T>(compute: (key: string) => T) => {
  const cache = new Map<string, T>();
  return (key: string): T => {
    if (!cache.has(key)) cache.set(key, compute(key));
    return cache.get(key)!;
  };
};

/** What a program prints for its help, stdout and stderr together. */
const helpOf = memo((command: string) => {
  const [program, ...args] = command.split(" ");
  const result = spawnSync(program, args, { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  return `${result.stdout ?? ""}\n${result.stderr ?? ""}`;
});

/** The command line of a mention: up to the next pipe, `&&`, `;`, redirection, comment or closing parenthesis. */
const ownPart = (rest: string) => rest.split(/\s(?:\||&&|;|>|#)|\)/)[0];

/** Single-dash options (`-var-file=…` → `-var-file`), as terraform and openssl write them. */
const singleDashOptions = (rest: string) => [...ownPart(rest).matchAll(/(?:^|\s)(-[a-z][\w-]*)/g)].map(([, flag]) => flag);
const doubleDashOptions = (rest: string) => [...ownPart(rest).matchAll(/(?:^|\s)(--[a-z][\w-]*)/g)].map(([, flag]) => flag);

const TERRAFORM_PLAN_LIKE = new Set(["apply", "destroy"]);
const terraformCommands = memo(() => new Set([...helpOf("terraform -help").matchAll(/^ {2}([a-z][\w-]*)\s{2,}/gm)].map(([, name]) => name)));
const terraformOptions = memo((subcommand: string) => {
  const own = [...helpOf(`terraform ${subcommand} -help`).matchAll(/^\s+(-[a-z][\w-]*)/gm)].map(([, flag]) => flag);
  // apply and destroy take plan's options too (their help says so).
  const plan = TERRAFORM_PLAN_LIKE.has(subcommand) ? [...helpOf("terraform plan -help").matchAll(/^\s+(-[a-z][\w-]*)/gm)].map(([, flag]) => flag) : [];
  return new Set([...own, ...plan, "-help"]);
});

export function terraformMentionProblems(text: string): string[] {
  const problems: string[] = [];
  for (const [, subcommand, rest] of text.matchAll(/\bterraform (?:-chdir=\S+ )?([a-z][\w-]*)([^\n]*)/g)) {
    if (!terraformCommands("").has(subcommand)) {
      // Prose in a code span ("terraform or the"): only a word that looks like a command line is judged.
      if (/^\s*-/.test(rest)) problems.push(`no such terraform command: ${subcommand}`);
      continue;
    }
    const options = terraformOptions(subcommand);
    for (const flag of singleDashOptions(rest)) if (!options.has(flag)) problems.push(`terraform ${subcommand} has no ${flag}`);
  }
  return problems;
}

/** The s3 commands of the AWS CLI that are not API operations (its high-level customization). */
const AWS_S3_COMMANDS = new Set(["cp", "ls", "mb", "mv", "presign", "rb", "rm", "sync", "website"]);
/** CLI service names whose botocore model has another name. */
const AWS_MODEL_NAMES: Readonly<Record<string, string>> = { s3api: "s3" };
const modelName = (service: string) => AWS_MODEL_NAMES[service] ?? service;
/** Options every AWS CLI command takes. */
const AWS_GLOBAL_OPTIONS = new Set(["--endpoint-url", "--region", "--profile", "--output", "--query", "--no-cli-pager", "--debug", "--no-verify-ssl", "--cli-input-json", "--generate-cli-skeleton"]);

/** botocore's service models: service → operation (CLI spelling) → its parameters (CLI spelling). */
const awsModels = memo((services: string) => {
  const script = `
import json, re, sys, botocore.session
session = botocore.session.get_session()
kebab = lambda name: re.sub(r'(?<=[a-z0-9])(?=[A-Z])', '-', name).lower()
out = {}
for service in sys.argv[1:]:
    try:
        model = session.get_service_model(service)
    except Exception:
        continue
    out[service] = {kebab(op): [kebab(m) for m in (model.operation_model(op).input_shape.members if model.operation_model(op).input_shape else [])] for op in model.operation_names}
print(json.dumps(out))`;
  return JSON.parse(execFileSync("python3", ["-c", script, ...services.split(" ")], { encoding: "utf8" })) as Record<string, Record<string, string[]>>;
});

export function awsMentionProblems(text: string): string[] {
  const mentions = [...text.matchAll(/\baws ([a-z][\w-]*) ([a-z][\w-]*)([^\n]*)/g)];
  const services = [...new Set(mentions.map(([, service]) => service).filter((service) => service !== "s3").map(modelName))].sort();
  const models = services.length > 0 ? awsModels(services.join(" ")) : {};
  const problems: string[] = [];
  for (const [, service, operation, rest] of mentions) {
    if (service === "s3") {
      if (!AWS_S3_COMMANDS.has(operation)) problems.push(`no such aws s3 command: ${operation}`);
      continue;
    }
    const model = models[modelName(service)];
    if (!model) {
      problems.push(`no such aws service: ${service}`);
      continue;
    }
    const parameters = model[operation];
    if (!parameters) {
      problems.push(`aws ${service} has no operation ${operation}`);
      continue;
    }
    for (const flag of doubleDashOptions(rest)) if (!AWS_GLOBAL_OPTIONS.has(flag) && !parameters.includes(flag.slice(2))) problems.push(`aws ${service} ${operation} has no ${flag}`);
  }
  return problems;
}

const opensslOptions = memo((subcommand: string) => new Set([...helpOf(`openssl ${subcommand} -help`).matchAll(/^\s*(-[a-z][\w-]*)/gim)].map(([, flag]) => flag)));

export function opensslMentionProblems(text: string): string[] {
  const problems: string[] = [];
  for (const [, subcommand, rest] of text.matchAll(/\bopenssl ([a-z][\w-]*)([^\n]*)/g)) {
    const options = opensslOptions(subcommand);
    if (options.size === 0) {
      problems.push(`no such openssl command: ${subcommand}`);
      continue;
    }
    for (const flag of singleDashOptions(rest)) if (!options.has(flag)) problems.push(`openssl ${subcommand} has no ${flag}`);
  }
  return problems;
}

const curlOptions = memo(() => new Set([...helpOf("curl --help all").matchAll(/(?:^|\s)(-[A-Za-z#:]|--[a-z][\w-]*)/gm)].map(([, flag]) => flag)));

export function curlMentionProblems(text: string): string[] {
  const problems: string[] = [];
  for (const [, rest] of text.matchAll(/\bcurl( [^\n]*)/g)) {
    const line = ownPart(rest);
    if (!/^\s+-/.test(line)) continue; // prose ("curl and …")
    const flags = [...line.matchAll(/(?:^|\s)(--[a-z][\w-]*|-[A-Za-z])(?=\s|$)/g)].map(([, flag]) => flag);
    for (const flag of flags) if (!curlOptions("").has(flag)) problems.push(`curl has no ${flag}`);
  }
  return problems;
}
