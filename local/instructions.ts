/**
 * What `npm run local` prints once it runs: the endpoints, the routes, and copy-pasteable
 * commands for a user's token, a bound call, a refused one, groups, and a machine client's
 * token. Secrets are read from their files by the commands, never printed.
 */
import { dirname, relative } from "node:path";
import type { LocalStackSummary } from "./local-environment";

/** A route to try first: one the demo user's token can call (no scope), without path variables if there is one. */
function routeToTry(routes: LocalStackSummary["routes"]): { method: string; path: string } {
  const keys = Object.keys(routes);
  const pick = keys.find((k) => routes[k].length === 0 && k.startsWith("GET ") && !k.includes("{")) ?? keys.find((k) => routes[k].length === 0) ?? keys[0] ?? "GET /example";
  const [method, template] = pick.split(" ");
  return { method, path: template.replace(/\{[^}]+\}/g, "example") };
}

export function instructions(s: LocalStackSummary): string {
  const rel = (path: string) => relative(process.cwd(), path) || path;
  const tryRoute = routeToTry(s.routes);
  const methodFlag = tryRoute.method === "GET" ? "" : `-X ${tryRoute.method} `;
  const routeLines = Object.entries(s.routes).map(([route, scopes]) => `    ${route.padEnd(36)} ${scopes.length > 0 ? `scopes: ${scopes.join(" ")}` : "no scope (binding only)"}`).join("\n");
  const groupHint = s.groups.length > 0
    ? `\n4. Scopes come from Cognito groups (${s.groups.join(", ")}): put the demo user in one, then get a new token:\n   npx cbat group add ${s.demoUser} ${s.groups[0]} --outputs ${rel(s.demoPasswordFile.replace(/demo-password$/, "stack.json"))}\n`
    : "";
  const initiateAuth = JSON.stringify({ AuthFlow: "USER_PASSWORD_AUTH", ClientId: s.clientId, AuthParameters: { USERNAME: s.demoUser, PASSWORD: "PASSWORD_HERE" } })
    .replace(/"/g, '\\"').replace("PASSWORD_HERE", `$(cat ${rel(s.demoPasswordFile)})`);
  return `
Local certificate-bound API is running.
  issuer   ${s.issuerEndpoint}   (Cognito JSON protocol; pool ${s.userPoolId}, client ${s.clientId})
  gateway  ${s.gatewayUrl}  (mutual TLS; truststore ${rel(s.pki.ca)})
  summary  ${rel(s.demoPasswordFile.replace(/demo-password$/, "stack.json"))}
  routes
${routeLines}

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
   curl ${methodFlag}--cert ${rel(s.pki.client)} --key ${rel(s.pki.clientKey)} --cacert ${rel(s.pki.ca)} \\
     -H "Authorization: Bearer $TOKEN" ${s.gatewayUrl}${tryRoute.path}

3. The same token with another trusted certificate is refused (401, WWW-Authenticate: Bearer error="invalid_token"):
   curl -i ${methodFlag}--cert ${rel(s.pki.client2)} --key ${rel(s.pki.client2Key)} --cacert ${rel(s.pki.ca)} \\
     -H "Authorization: Bearer $TOKEN" ${s.gatewayUrl}${tryRoute.path}
   A route whose scope the token lacks answers 403 (Bearer error="insufficient_scope").
${groupHint}
${machineInstructions(s, rel, s.groups.length > 0 ? 5 : 4)}

Revoke client.pem (the dev CA's CRL, ${rel(s.pki.crl ?? "crl.pem")}): within about 2 s the gateway answers 401 to it, other certificates keep working:
   npx cbat pki revoke client --dir ${rel(dirname(s.pki.ca))}

What an operator would see: the stage's access log ${rel(s.demoPasswordFile.replace(/demo-password$/, "access.log"))}, the authorizer's
   decisions ${rel(s.demoPasswordFile.replace(/demo-password$/, "authorizer.log"))}, and by reason: npx cbat decisions --dir ${rel(s.demoPasswordFile.replace(/\/demo-password$/, ""))} --minutes 15

Press Ctrl-C to stop (it prints the decisions tally).
`;
}

/** The demo machine client's token (client_credentials); its secret is read from stack.json, never printed. */
function machineInstructions(s: LocalStackSummary, rel: (path: string) => string, step: number): string {
  const machine = s.machineClients[0];
  if (!machine) return "";
  const summary = rel(s.demoPasswordFile.replace(/demo-password$/, "stack.json"));
  const credentials = `$(node -pe 'const c=JSON.parse(require("fs").readFileSync("${summary}")).machineClients[0]; c.clientId+":"+c.clientSecret')`;
  const tryRoute = routeToTry(s.routes);
  return `${step}. A machine client, "${machine.name}" (bound to ${rel(machine.certificate)}), gets its token with OAuth client_credentials:
   MACHINE_TOKEN=$(curl -s -u "${credentials}" -d grant_type=client_credentials ${s.tokenEndpoint} \\
     | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')
   or: MACHINE_TOKEN=$(npx cbat token --client-credentials --outputs ${summary} --machine-client ${machine.name})
   curl ${tryRoute.method === "GET" ? "" : `-X ${tryRoute.method} `}--cert ${rel(machine.certificate)} --key ${rel(machine.key)} --cacert ${rel(s.pki.ca)} \\
     -H "Authorization: Bearer $MACHINE_TOKEN" ${s.gatewayUrl}${tryRoute.path}${mtlsInstructions(s, rel)}`;
}

/** The mTLS token endpoint (RFC 8705 §2): demo-mtls gets a bound token with machine.pem alone, no secret. */
function mtlsInstructions(s: LocalStackSummary, rel: (path: string) => string): string {
  const client = s.mtlsClients?.[0];
  if (!client) return "";
  return `
   With the certificate alone, no secret (RFC 8705 tls_client_auth: "${client.name}" is registered by ${rel(client.certificate)}'s subject DN):
   MTLS_TOKEN=$(curl -s --cert ${rel(client.certificate)} --key ${rel(client.key)} --cacert ${rel(s.pki.ca)} \
     -d grant_type=client_credentials -d client_id=${client.clientId} ${s.mtlsTokenEndpoint} \
     | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')
   or: MTLS_TOKEN=$(npx cbat token --mtls --cert ${rel(client.certificate)} --key ${rel(client.key)} --cacert ${rel(s.pki.ca)} --outputs ${rel(s.demoPasswordFile.replace(/demo-password$/, "stack.json"))})
   Its metadata (RFC 8414): curl --cert ${rel(client.certificate)} --key ${rel(client.key)} --cacert ${rel(s.pki.ca)} ${s.gatewayUrl}/.well-known/oauth-authorization-server`;
}
