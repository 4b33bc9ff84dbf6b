/**
 * What `npm run local` prints once it runs: the endpoints and copy-pasteable commands for a
 * user's token, a bound call, a refused one, and a machine client's token. Secrets are read
 * from their files by the commands, never printed.
 */
import { relative } from "node:path";
import type { LocalStackSummary } from "./local-environment";

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
