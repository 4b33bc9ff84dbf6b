/**
 * What `npm run local` prints once it runs: the endpoints, the routes, and copy-pasteable
 * commands, following the served API: a user's token (after joining a group when every route
 * needs a scope), a bound call, a refused one, a call without the route's scope, each machine
 * client's token, the AWS CLI against the local issuer, revocation. Every line indented by three
 * spaces is a command (a test runs them all). Secrets are read from their files by the
 * commands, never printed.
 */
import { dirname, join, relative } from "node:path";
import type { LocalStackSummary } from "./local-environment";
import { planWalkthrough, routeFor, type WalkthroughRoute } from "./walkthrough-plan";

/** The AWS CLI's settings for the local issuer: dummy credentials (it checks only the region of the signature). */
export function localAwsCliEnvironment(region: string): Record<string, string> {
  return { AWS_ACCESS_KEY_ID: "local", AWS_SECRET_ACCESS_KEY: "local", AWS_DEFAULT_REGION: region };
}

/** A curl of the gateway that shows the status line and WWW-Authenticate. */
function curlCall(s: LocalStackSummary, rel: (path: string) => string, route: WalkthroughRoute, certificate: string, key: string, tokenVariable: string): string {
  const body = route.method === "GET" || route.method === "DELETE" ? "" : `-X ${route.method} -H 'Content-Type: application/json' -d '{"name": "example"}' `;
  return `   curl -si ${body}--cert ${rel(certificate)} --key ${rel(key)} --cacert ${rel(s.pki.ca)} \\
     -H "Authorization: Bearer $${tokenVariable}" ${s.gatewayUrl}${route.path}`;
}

export function instructions(s: LocalStackSummary): string {
  const rel = (path: string) => relative(process.cwd(), path) || path;
  const stateDir = dirname(s.demoPasswordFile);
  const summaryFile = rel(join(stateDir, "stack.json"));
  const pkiDir = rel(dirname(s.pki.ca));
  const plan = planWalkthrough({ routes: s.routes, groupScopes: s.groupScopes ?? {}, demoGroups: s.demoGroups ?? [] });
  const routeLines = Object.entries(s.routes).map(([route, scopes]) => `    ${route.padEnd(36)} ${scopes.length > 0 ? `scopes: ${scopes.join(" ")}` : "no scope (binding only)"}`).join("\n");
  const awsEnv = Object.entries(localAwsCliEnvironment(s.region)).map(([name, value]) => `${name}=${value}`).join(" ");
  const initiateAuth = JSON.stringify({ AuthFlow: "USER_PASSWORD_AUTH", ClientId: s.clientId, AuthParameters: { USERNAME: s.demoUser, PASSWORD: "PASSWORD_HERE" } })
    .replace(/"/g, '\\"').replace("PASSWORD_HERE", `$(cat ${rel(s.demoPasswordFile)})`);
  const revoked = new Set(s.revoked ?? []);
  let step = 0;
  const next = () => `${++step}.`;
  const sections: string[] = [];

  sections.push(`Local certificate-bound API is running.
  issuer   ${s.issuerEndpoint}   (Cognito JSON protocol; pool ${s.userPoolId}, client ${s.clientId})
  gateway  ${s.gatewayUrl}  (mutual TLS; truststore ${rel(s.pki.ca)})
  summary  ${summaryFile}
  routes
${routeLines}`);

  if (revoked.has("client")) {
    sections.push(`${rel(s.pki.client)}, the demo user's certificate, is revoked (on the dev CA's CRL ${rel(s.pki.crl ?? "crl.pem")}): every call with it answers 401 (cert_revoked), so the user steps are left out. Take it off the CRL, then restart npm run local (or start with npm run local -- --fresh-pki for a new PKI):
   npx cbat pki unrevoke client --dir ${pkiDir}`);
  } else {
    const joinLine = plan.joinFirst
      ? `${next()} Every route of the API needs a scope. Put the demo user in the group ${plan.joinFirst} (it grants ${(s.groupScopes?.[plan.joinFirst] ?? []).join(" ")}), before getting a token:
   npx cbat group add ${s.demoUser} ${plan.joinFirst} --outputs ${summaryFile}\n\n`
      : "";
    const firstAnswer = plan.scopesMissing.length > 0 ? `403: no group grants ${plan.scopesMissing.join(" ")}; add one to api.groupScopes` : "200";
    sections.push(`${joinLine}${next()} Get an access token for the user "${s.demoUser}" (bound to ${rel(s.pki.client)}), with curl:
   TOKEN=$(curl -s ${s.issuerEndpoint}/ -H 'Content-Type: application/x-amz-json-1.1' \\
     -H 'X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth' \\
     -d "${initiateAuth}" \\
     | node -pe 'JSON.parse(require("fs").readFileSync(0)).AuthenticationResult.AccessToken')
   or with the AWS CLI (any credentials do locally; the region must be ${s.region}):
   TOKEN=$(${awsEnv} aws cognito-idp initiate-auth --endpoint-url ${s.issuerEndpoint} --client-id ${s.clientId} \\
     --auth-flow USER_PASSWORD_AUTH --auth-parameters "USERNAME=${s.demoUser},PASSWORD=$(cat ${rel(s.demoPasswordFile)})" \\
     --query AuthenticationResult.AccessToken --output text)

${next()} Call ${plan.first.key} with the bound certificate (${firstAnswer}):
${curlCall(s, rel, plan.first, s.pki.client, s.pki.clientKey, "TOKEN")}

${next()} The same token with another trusted certificate is refused (401, WWW-Authenticate: Bearer error="invalid_token"; reason cnf_mismatch):
${curlCall(s, rel, plan.first, s.pki.client2, s.pki.client2Key, "TOKEN")}`);
    if (plan.forbidden) {
      const grant = plan.forbidden.group
        ? `\n   The group ${plan.forbidden.group} grants it: add the user, get a new token (step ${plan.joinFirst ? 2 : 1}), and the call answers 200:
   npx cbat group add ${s.demoUser} ${plan.forbidden.group} --outputs ${summaryFile}`
        : "";
      sections.push(`${next()} ${plan.forbidden.key} needs ${plan.forbidden.missing.join(" ")}, which the token lacks: 403, WWW-Authenticate: Bearer error="insufficient_scope":
${curlCall(s, rel, plan.forbidden, s.pki.client, s.pki.clientKey, "TOKEN")}${grant}`);
    }
  }

  sections.push(...machineInstructions(s, rel, plan.first, summaryFile, next, revoked));

  sections.push(`${next()} The AWS CLI against the local issuer: give it dummy credentials, the region ${s.region} and --endpoint-url, e.g.
   ${awsEnv} aws cognito-idp admin-get-user --endpoint-url ${s.issuerEndpoint} --user-pool-id ${s.userPoolId} --username ${s.demoUser}
   or let cbat set them (from ${summaryFile}):
   npx cbat aws --outputs ${summaryFile} -- cognito-idp list-users --user-pool-id ${s.userPoolId}`);

  sections.push(`Revoke client.pem on the dev CA's CRL (${rel(s.pki.crl ?? "crl.pem")}): within about 2 s the gateway answers 401 to it, other certificates keep working; undo it with unrevoke:
   npx cbat pki revoke client --dir ${pkiDir}
   npx cbat pki unrevoke client --dir ${pkiDir}

What an operator would see: the stage's access log ${rel(join(stateDir, "access.log"))}, the authorizer's decisions ${rel(join(stateDir, "authorizer.log"))}, and by reason:
   npx cbat decisions --dir ${rel(stateDir)} --minutes 15

Each request's decision is printed below as it happens, e.g. "401 cnf_mismatch ${plan.first.key}".
Press Ctrl-C to stop (it prints the decisions tally).`);
  return `\n${sections.join("\n\n")}\n`;
}

/** Each machine client's token (client_credentials) and call; secrets are read from stack.json, never printed. */
function machineInstructions(s: LocalStackSummary, rel: (path: string) => string, route: WalkthroughRoute, summaryFile: string, next: () => string, revoked: ReadonlySet<string>): string[] {
  const sections = s.machineClients.map((machine, index) => {
    const variable = index === 0 ? "MACHINE_TOKEN" : `${machine.name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_TOKEN`;
    if (index === 0 && revoked.has("machine")) {
      return `${rel(machine.certificate)}, the machine client ${machine.name}'s certificate, is revoked: its calls answer 401 (cert_revoked). Take it off the CRL and restart npm run local:
   npx cbat pki unrevoke machine --dir ${rel(dirname(s.pki.ca))}`;
    }
    const credentials = `$(node -pe 'const c=JSON.parse(require("fs").readFileSync("${summaryFile}")).machineClients.find((c) => c.name === "${machine.name}"); c.clientId+":"+c.clientSecret')`;
    const origin = index === 0 ? "the demo machine client" : "from cbat.config.json";
    return `${next()} The machine client "${machine.name}" (${origin}, bound to ${rel(machine.certificate)}) gets its token with OAuth client_credentials:
   ${variable}=$(curl -s -u "${credentials}" -d grant_type=client_credentials ${s.tokenEndpoint} \\
     | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')
   or with cbat:
   ${variable}=$(npx cbat token --client-credentials --outputs ${summaryFile} --machine-client ${machine.name})
   then call ${routeFor(s.routes, machine.scopes ?? [], route).key} with its certificate:
${curlCall(s, rel, routeFor(s.routes, machine.scopes ?? [], route), machine.certificate, machine.key, variable)}`;
  });
  const unregistered = (s.unregisteredMachineClients ?? []).map((client) => `Machine client "${client.name}" of cbat.config.json is not registered locally: ${client.why}.`);
  const hints = (s.mtlsClientHints ?? []).map((client) => `Machine client "${client.name}" of cbat.config.json (tls_client_auth) is registered at the mTLS token endpoint, but ${client.hint}`);
  return [...sections, ...mtlsInstructions(s, rel, summaryFile, next), ...configuredMtlsInstructions(s, rel, route, summaryFile, next), ...unregistered, ...hints];
}

/** The clients of cbat.config.json at the mTLS token endpoint: each one's token with its certificate alone, and a call with it. */
function configuredMtlsInstructions(s: LocalStackSummary, rel: (path: string) => string, route: WalkthroughRoute, summaryFile: string, next: () => string): string[] {
  return (s.mtlsClients ?? []).slice(1).map((client) => {
    const variable = `${client.name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_MTLS_TOKEN`;
    const how = client.tokenEndpointAuthMethod === "tls_client_auth" ? `tls_client_auth: registered by its subject DN ${client.subjectDn}, which ${rel(client.certificate)} carries` : `self_signed_tls_client_auth: pinned to ${rel(client.certificate)}`;
    const target = routeFor(s.routes, client.scopes ?? [], route);
    return `${next()} The machine client "${client.name}" (from cbat.config.json, ${how}) gets its token with the certificate alone, no secret:
   ${variable}=$(curl -s --cert ${rel(client.certificate)} --key ${rel(client.key)} --cacert ${rel(s.pki.ca)} \\
     -d grant_type=client_credentials -d client_id=${client.clientId} ${s.mtlsTokenEndpoint} \\
     | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')
   or with cbat:
   ${variable}=$(npx cbat token --mtls --cert ${rel(client.certificate)} --key ${rel(client.key)} --cacert ${rel(s.pki.ca)} --outputs ${summaryFile} --machine-client ${client.name})
   then call ${target.key} with that certificate:
${curlCall(s, rel, target, client.certificate, client.key, variable)}`;
  });
}

/** The mTLS token endpoint (RFC 8705 §2): demo-mtls gets a bound token with machine.pem alone, no secret. */
function mtlsInstructions(s: LocalStackSummary, rel: (path: string) => string, summaryFile: string, next: () => string): string[] {
  const client = s.mtlsClients?.[0];
  if (!client) return [];
  return [`${next()} With the certificate alone, no secret (RFC 8705 tls_client_auth: "${client.name}" is registered by ${rel(client.certificate)}'s subject DN):
   MTLS_TOKEN=$(curl -s --cert ${rel(client.certificate)} --key ${rel(client.key)} --cacert ${rel(s.pki.ca)} \\
     -d grant_type=client_credentials -d client_id=${client.clientId} ${s.mtlsTokenEndpoint} \\
     | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')
   or with cbat:
   MTLS_TOKEN=$(npx cbat token --mtls --cert ${rel(client.certificate)} --key ${rel(client.key)} --cacert ${rel(s.pki.ca)} --outputs ${summaryFile})
   and the endpoint's metadata (RFC 8414):
   curl -s --cert ${rel(client.certificate)} --key ${rel(client.key)} --cacert ${rel(s.pki.ca)} ${s.gatewayUrl}/.well-known/oauth-authorization-server`];
}
