/** The options of `npm run test:deploy`, shared by its entry point (test-deploy.ts) and main.ts. */
import { parseArgs } from "node:util";

export const USAGE = `usage: npm run test:deploy [-- --stack NAME]
  --stack  which stack, when several environments are configured
  AWS_ENDPOINT_URL=http://host:port  use a running AWS stand-in instead of starting moto_server`;

/** `{ help: true }`, the chosen stack, or the usage error's message (exit 2). */
export function parseDeployArgs(argv: string[]): { help: true } | { help: false; stack?: string } | { error: string } {
  try {
    const parsed = parseArgs({ args: argv, options: { stack: { type: "string" }, help: { type: "boolean", short: "h" } } });
    return parsed.values.help ? { help: true } : { help: false, stack: parsed.values.stack };
  } catch (error) {
    return { error: `${(error as Error).message}\n${USAGE}` };
  }
}

/**
 * The stack to cycle (undefined: the only one), or the exit code once `--help` printed the usage
 * (0) or a usage error was reported (2): the start of both entry points.
 */
export function deployArgsOrExit(argv: string[]): { stack?: string } | number {
  const args = parseDeployArgs(argv);
  if ("error" in args) {
    console.error(args.error);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  return { stack: args.stack };
}
