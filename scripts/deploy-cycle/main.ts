/**
 * `npm run test:deploy [-- --stack NAME]`: apply → no-drift plan → destroy of the synthesized
 * stack against moto_server (started on a free loopback port and stopped at the end) or the
 * AWS stand-in at AWS_ENDPOINT_URL. Its last line:
 *   deploy cycle: applied N, drift 0 (M allow-listed), destroyed N in S s
 * Exit codes: 0 the cycle passed; 1 it failed (every problem is listed); 2 usage error.
 */
import { parseArgs } from "node:util";
import { DeployCycleError, runDeployCycle, summaryLine } from "./cycle";

const USAGE = `usage: npm run test:deploy [-- --stack NAME]
  --stack  which stack, when several environments are configured
  AWS_ENDPOINT_URL=http://host:port  use a running AWS stand-in instead of starting moto_server`;

/** `cbat test-deploy` (and `npm run test:deploy` here): resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  let stack: string | undefined;
  try {
    const parsed = parseArgs({ args: argv, options: { stack: { type: "string" }, help: { type: "boolean", short: "h" } } });
    if (parsed.values.help) {
      console.log(USAGE);
      return 0;
    }
    stack = parsed.values.stack;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  // Ctrl-C: exit through process.exit, whose exit handlers stop our moto_server.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      console.error(`deploy cycle interrupted (${signal})`);
      process.exit(130);
    });
  }
  try {
    const result = await runDeployCycle({ stack });
    console.log(summaryLine(result));
    return 0;
  } catch (error) {
    if (!(error instanceof DeployCycleError)) throw error;
    console.error(error.message);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
