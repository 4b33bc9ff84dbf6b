/**
 * `npm run local [-- --dir .local --issuer-port 9229 --gateway-port 8443 --stack-dir DIR]`
 * Starts the local certificate-binding environment and prints how to use it. Ctrl-C stops it.
 * Settings also come from CBAT_LOCAL_DIR, CBAT_LOCAL_ISSUER_PORT, CBAT_LOCAL_GATEWAY_PORT,
 * CBAT_LOCAL_STACK_DIR.
 */
import { relative } from "node:path";
import { parseArgs } from "node:util";
import { startLocalEnvironment, type LocalStackSummary } from "./local-environment";

const USAGE = `usage: npm run local -- [--dir DIR] [--issuer-port N] [--gateway-port N] [--stack-dir DIR]
  --dir           state folder (PKI, users, keys, stack.json;   default .local        env CBAT_LOCAL_DIR
                  one running instance per folder)
  --issuer-port   Cognito-compatible issuer port (0 = any)      default 9229          env CBAT_LOCAL_ISSUER_PORT
  --gateway-port  mutual-TLS gateway port (0 = any)             default 8443          env CBAT_LOCAL_GATEWAY_PORT
  --stack-dir     a synthesized stack folder to serve           default: synthesize   env CBAT_LOCAL_STACK_DIR`;

function port(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${name} must be a port number (0-65535), got ${JSON.stringify(value)}`);
  return n;
}

class UsageError extends Error {}

export function instructions(s: LocalStackSummary): string {
  const rel = (path: string) => relative(process.cwd(), path) || path;
  const initiateAuth = JSON.stringify({ AuthFlow: "USER_PASSWORD_AUTH", ClientId: s.clientId, AuthParameters: { USERNAME: s.demoUser, PASSWORD: "PASSWORD_HERE" } })
    .replace(/"/g, '\\"').replace("PASSWORD_HERE", `$(cat ${rel(s.demoPasswordFile)})`);
  return `
Local certificate-bound API is running.
  issuer   ${s.issuerEndpoint}   (Cognito JSON protocol; pool ${s.userPoolId}, client ${s.clientId})
  gateway  ${s.gatewayUrl}  (mutual TLS; truststore ${rel(s.pki.ca)})
  summary  ${rel(s.demoPasswordFile.replace(/demo-password$/, "stack.json"))}

1. Get an access token for the user "${s.demoUser}" (bound to ${rel(s.pki.client)}), with curl:
   TOKEN=$(curl -s ${s.issuerEndpoint}/ -H 'Content-Type: application/x-amz-json-1.1' \\
     -H 'X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth' \\
     -d "${initiateAuth}" \\
     | node -pe 'JSON.parse(require("fs").readFileSync(0)).AuthenticationResult.AccessToken')
   or with the AWS CLI:
   TOKEN=$(aws cognito-idp initiate-auth --endpoint-url ${s.issuerEndpoint} --region ${s.region} --client-id ${s.clientId} \\
     --auth-flow USER_PASSWORD_AUTH --auth-parameters "USERNAME=${s.demoUser},PASSWORD=$(cat ${rel(s.demoPasswordFile)})" \\
     --query AuthenticationResult.AccessToken --output text)

2. Call the API with the bound certificate:
   curl --cert ${rel(s.pki.client)} --key ${rel(s.pki.clientKey)} --cacert ${rel(s.pki.ca)} \\
     -H "Authorization: Bearer $TOKEN" ${s.gatewayUrl}/example

3. The same token with another trusted certificate is refused (401, WWW-Authenticate: Bearer error="invalid_token"):
   curl -i --cert ${rel(s.pki.client2)} --key ${rel(s.pki.client2Key)} --cacert ${rel(s.pki.ca)} \\
     -H "Authorization: Bearer $TOKEN" ${s.gatewayUrl}/example

${machineInstructions(s, rel)}

Press Ctrl-C to stop.
`;
}

/** Step 4: the demo machine client's token (client_credentials); its secret is read from stack.json, never printed. */
function machineInstructions(s: LocalStackSummary, rel: (path: string) => string): string {
  const machine = s.machineClients[0];
  if (!machine) return "";
  const summary = rel(s.demoPasswordFile.replace(/demo-password$/, "stack.json"));
  const credentials = `$(node -pe 'const c=JSON.parse(require("fs").readFileSync("${summary}")).machineClients[0]; c.clientId+":"+c.clientSecret')`;
  return `4. A machine client, "${machine.name}" (bound to ${rel(machine.certificate)}), gets its token with OAuth client_credentials:
   MACHINE_TOKEN=$(curl -s -u "${credentials}" -d grant_type=client_credentials ${s.tokenEndpoint} \\
     | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')
   or: MACHINE_TOKEN=$(npx cbat token --client-credentials --outputs ${summary} --machine-client ${machine.name})
   curl --cert ${rel(machine.certificate)} --key ${rel(machine.key)} --cacert ${rel(s.pki.ca)} \\
     -H "Authorization: Bearer $MACHINE_TOKEN" ${s.gatewayUrl}/example`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dir: { type: "string" },
      "issuer-port": { type: "string" },
      "gateway-port": { type: "string" },
      "stack-dir": { type: "string" },
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
  });
  process.stdout.write(instructions(environment.summary));
  process.stdout.write(`(started in ${Date.now() - started} ms)\n`);
  const stop = () => {
    process.stdout.write("\nStopping…\n");
    void environment.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error) => {
  if (error instanceof UsageError || (error as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const code = (error as { code?: string }).code;
  console.error(code === "EADDRINUSE" ? `A port is already in use (${(error as Error).message}); pick others with --issuer-port/--gateway-port.` : `Could not start: ${(error as Error).message}`);
  process.exit(1);
});
