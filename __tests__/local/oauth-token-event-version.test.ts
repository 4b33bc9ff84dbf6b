/**
 * Issue 21 (audit): the local pool domain's `POST /oauth2/token` follows the trigger version the
 * stack configures. V3_0: the real trigger runs with a version "3" client-credentials event and
 * binds the token. V2_0: Cognito runs no trigger for client credentials, so the token comes out
 * without cnf, as on AWS, and the misconfiguration shows locally. Also the 16 KB body limit at the
 * real endpoint (read-body.test.ts covers readBody alone). Real HTTP, the real trigger handler;
 * the machine-binding lookup is an in-memory map (SSM is the AWS edge).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CognitoIssuer } from "../../local/cognito-issuer";
import { createPreTokenGenerationHandler, type PreTokenGenerationV2Event } from "../../handlers/pre-token-generation";

const REGION = "eu-west-1";
const THUMBPRINT = "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU";
const dir = mkdtempSync(join(tmpdir(), "cbat-token-version-"));
const issuers: CognitoIssuer[] = [];
afterAll(async () => {
  for (const issuer of issuers) await issuer.close();
  rmSync(dir, { recursive: true, force: true });
});

/** An issuer with the real trigger at `version`, one machine client bound to THUMBPRINT; the events the trigger saw. */
async function issuerWith(version: "V2_0" | "V3_0") {
  const events: PreTokenGenerationV2Event[] = [];
  const bindings = new Map<string, string>();
  const trigger = createPreTokenGenerationHandler({ machineBindings: async (clientId) => bindings.get(clientId) });
  const issuer = new CognitoIssuer({
    region: REGION, userPoolId: `${REGION}_version${version[1]}`, clientId: "userclient",
    usersFile: join(dir, `${version}-users.json`), signingKeyFile: join(dir, `${version}-key.pem`), machineClientsFile: join(dir, `${version}-clients.json`),
    resourceServerScopes: ["orders/read"], preTokenGenerationVersion: version,
    preTokenGeneration: async (event) => (events.push(structuredClone(event) as PreTokenGenerationV2Event), trigger(event as PreTokenGenerationV2Event)),
  });
  issuers.push(issuer);
  const endpoint = await issuer.listen(0);
  const created = await issuer.call("CreateUserPoolClient", {
    UserPoolId: `${REGION}_version${version[1]}`, ClientName: "partner", GenerateSecret: true,
    AllowedOAuthFlows: ["client_credentials"], AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: ["orders/read"],
  }) as { UserPoolClient: { ClientId: string; ClientSecret: string } };
  bindings.set(created.UserPoolClient.ClientId, THUMBPRINT);
  const token = async (body: string) => {
    const response = await fetch(`${endpoint}/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`${created.UserPoolClient.ClientId}:${created.UserPoolClient.ClientSecret}`).toString("base64")}` },
      body,
    });
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  };
  return { events, token };
}

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8")) as Record<string, unknown>;

it("V3_0: the trigger runs with a version 3 client-credentials event and binds the token", async () => {
  const { events, token } = await issuerWith("V3_0");
  const answer = await token("grant_type=client_credentials");
  expect(answer.status).toBe(200);
  expect(events.map((event) => [event.version, event.triggerSource])).toEqual([["3", "TokenGeneration_ClientCredentials"]]);
  expect(claimsOf(answer.body.access_token).cnf).toEqual({ "x5t#S256": THUMBPRINT });
});

it("V2_0: no trigger runs for client credentials, so the token has no cnf (the misconfiguration shows locally)", async () => {
  const { events, token } = await issuerWith("V2_0");
  const answer = await token("grant_type=client_credentials");
  expect(answer.status).toBe(200);
  expect(events).toEqual([]);
  expect(claimsOf(answer.body.access_token)).not.toHaveProperty("cnf");
});

it("a body over 16 KB at the real endpoint is a 400 invalid_request, not a connection reset", async () => {
  const { token } = await issuerWith("V3_0");
  const answer = await token(`grant_type=client_credentials&pad=${"a".repeat(20 * 1024)}`);
  expect(answer).toEqual({ status: 400, body: { error: "invalid_request", error_description: "Request body too large." } });
});
