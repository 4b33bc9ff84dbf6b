/**
 * `npm run test:deploy [-- --stack NAME]`: apply → no-drift plan → destroy of the synthesized
 * stack against moto_server (started on a free loopback port and stopped at the end) or the
 * AWS stand-in at AWS_ENDPOINT_URL. Its last line:
 *   deploy cycle: applied N, drift 0 (M allow-listed), destroyed N in S s
 * Exit codes: 0 the cycle passed; 1 it failed (every problem is listed); 2 usage error.
 */
import { deployArgsOrExit } from "./cli-args";
import { DeployCycleError, runDeployCycle, summaryLine } from "./cycle";
import { destroyGapsLine } from "./release-resources";

/** `cbat test-deploy`: resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const args = deployArgsOrExit(argv);
  if (typeof args === "number") return args;
  const stack = args.stack;
  // Ctrl-C: exit through process.exit, whose exit handlers stop our moto_server.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      console.error(`deploy cycle interrupted (${signal})`);
      process.exit(130);
    });
  }
  try {
    const result = await runDeployCycle({ stack });
    const gaps = destroyGapsLine(result.released);
    if (gaps) console.log(gaps);
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
