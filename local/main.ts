/**
 * `npm run local [-- --dir .local --issuer-port 9229 --gateway-port 8443 --stack-dir DIR --fresh-pki]`
 * Starts the local certificate-binding environment and prints how to use it. Ctrl-C stops it.
 * Settings also come from CBAT_LOCAL_DIR, CBAT_LOCAL_ISSUER_PORT, CBAT_LOCAL_GATEWAY_PORT,
 * CBAT_LOCAL_STACK_DIR.
 */
import { parseArgs } from "node:util";
import { instructions } from "./instructions";
import { startLocalEnvironment } from "./local-environment";

const USAGE = `usage: npm run local -- [--dir DIR] [--issuer-port N] [--gateway-port N] [--stack-dir DIR] [--fresh-pki]
  --dir           state folder (PKI, users, keys, stack.json;   default .local        env CBAT_LOCAL_DIR
                  one running instance per folder)
  --issuer-port   Cognito-compatible issuer port (0 = any)      default 9229          env CBAT_LOCAL_ISSUER_PORT
  --gateway-port  mutual-TLS gateway port (0 = any)             default 8443          env CBAT_LOCAL_GATEWAY_PORT
  --stack-dir     a synthesized stack folder to serve           default: synthesize   env CBAT_LOCAL_STACK_DIR
  --fresh-pki     start from a new development PKI (new CA and certificates: revocations and
                  certificates from \`cbat pki issue\` are gone; the demo user follows the new client.pem)`;

function port(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${name} must be a port number (0-65535), got ${JSON.stringify(value)}`);
  return n;
}

class UsageError extends Error {}

/**
 * `cbat local` (and `npm run local` here): resolves to the exit code once the environment is up
 * (it keeps running until Ctrl-C) or has failed to start.
 */
export async function main(argv: string[]): Promise<number> {
  try {
    await start(argv);
    return 0;
  } catch (error) {
    return failure(error);
  }
}

async function start(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      dir: { type: "string" },
      "issuer-port": { type: "string" },
      "gateway-port": { type: "string" },
      "stack-dir": { type: "string" },
      "fresh-pki": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const env = process.env;
  const started = Date.now();
  const environment = await startLocalEnvironment({
    dir: values.dir ?? env.CBAT_LOCAL_DIR ?? ".local",
    issuerPort: port(values["issuer-port"] ?? env.CBAT_LOCAL_ISSUER_PORT, "--issuer-port", 9229),
    gatewayPort: port(values["gateway-port"] ?? env.CBAT_LOCAL_GATEWAY_PORT, "--gateway-port", 8443),
    stackDir: values["stack-dir"] ?? env.CBAT_LOCAL_STACK_DIR,
    freshPki: values["fresh-pki"] ?? false,
  });
  process.stdout.write(instructions(environment.summary));
  process.stdout.write(`(started in ${Date.now() - started} ms)\n`);
  const stop = () => {
    process.stdout.write(`\n${environment.tally.summaryLine()}\nStopping…\n`);
    void environment.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

function failure(error: unknown): number {
  if (error instanceof UsageError || (error as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const code = (error as { code?: string }).code;
  console.error(code === "EADDRINUSE" ? `A port is already in use (${(error as Error).message}); pick others with --issuer-port/--gateway-port.` : `Could not start: ${(error as Error).message}`);
  return 1;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    if (code !== 0) process.exit(code);
  });
}
