/**
 * Machine clients of the user pool: services and partners that get access tokens with OAuth
 * client_credentials, bound like users' to a certificate (RFC 8705 cnf.x5t#S256).
 *
 * - a resource server declaring the custom scopes (`<identifier>/<name>`) the clients may be granted;
 * - the pool's Cognito domain, whose `/oauth2/token` issues the tokens;
 * - one confidential app client per machine client: generated secret, client_credentials only,
 *   its scopes only, no user sign-in flow, and (the stack invariant) no write access to the binding;
 * - the binding registry: one SSM String parameter per client, `<path><client id>` =
 *   `{"clientId": …, "x5t#S256": …}`, written from the clients' ids and configured certificates
 *   (with the mTLS token endpoint's registration for a client that names a method: machine-registry-entry.ts).
 *   The trigger reads the calling client's entry (60 s cache per client); it cannot get the ids in
 *   its environment, since the pool needs the trigger before any client can exist.
 */
import { createHash } from "node:crypto";
import { Construct } from "constructs";
import { Fn } from "cdktf";
import { CognitoResourceServer } from "@cdktf/provider-aws/lib/cognito-resource-server";
import type { CognitoUserPool } from "@cdktf/provider-aws/lib/cognito-user-pool";
import type { CognitoUserPoolClient } from "@cdktf/provider-aws/lib/cognito-user-pool-client";
import { CognitoUserPoolDomain } from "@cdktf/provider-aws/lib/cognito-user-pool-domain";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { BindingSafeUserPoolClient } from "./binding-safe-user-pool-client";
import { AWS_QUOTAS } from "./aws-quotas";
import { registryEntry } from "./machine-registry-entry";
import { terraformLiteral } from "./terraform-literal";
import type { MachineClientDefinition } from "./machine-client-definition";

export interface MachineClientsProps {
  /** Prefix of the clients' and the parameter's names. */
  readonly namePrefix: string;
  readonly userPool: CognitoUserPool;
  /** The resource server's identifier (`api.resourceServer`). */
  readonly resourceServer: string;
  /** Every scope it declares (resourceServerScopes), each `<identifier>/<name>`. */
  readonly scopes: readonly string[];
  readonly clients: readonly MachineClientDefinition[];
  /** String Terraform expression: the Cognito domain prefix (variable user_pool_domain_prefix). */
  readonly domainPrefix: string;
  /** Number Terraform expression: access-token lifetime in minutes, as the user client's. */
  readonly accessTokenValidityMinutes: number;
}

export class MachineClients extends Construct {
  readonly resourceServer: CognitoResourceServer;
  readonly domain: CognitoUserPoolDomain;
  /** By machine client name. */
  readonly clients: Readonly<Record<string, CognitoUserPoolClient>>;
  /** The registry: one parameter per machine client, by name. */
  readonly bindings: Readonly<Record<string, SsmParameter>>;
  /** The registry's path, a literal: the trigger's environment may name it without depending on it. */
  readonly bindingsPath: string;
  /** `https://<prefix>.auth.<region>.amazoncognito.com/oauth2/token` */
  readonly tokenEndpoint: string;

  constructor(scope: Construct, id: string, props: MachineClientsProps) {
    super(scope, id);
    const identifier = props.resourceServer;
    // The identifier and the scopes are the user's text: Terraform must read them literally (see terraform-literal.ts).
    this.resourceServer = new CognitoResourceServer(this, "resource-server", {
      userPoolId: props.userPool.id,
      identifier: terraformLiteral(identifier),
      name: `${props.namePrefix}-api`,
      scope: props.scopes.map((scope) => ({
        scopeName: terraformLiteral(scope.slice(identifier.length + 1)),
        scopeDescription: terraformLiteral(scopeDescription(scope, identifier)),
      })),
    });

    this.domain = new CognitoUserPoolDomain(this, "domain", { domain: props.domainPrefix, userPoolId: props.userPool.id });
    const region = new DataAwsRegion(this, "region").name;
    this.tokenEndpoint = `https://${this.domain.domain}.auth.${region}.amazoncognito.com/oauth2/token`;

    const clients: Record<string, CognitoUserPoolClient> = {};
    for (const client of props.clients) {
      clients[client.name] = new BindingSafeUserPoolClient(this, clientId(client.name), {
        name: `${props.namePrefix}-${client.name}`,
        userPoolId: props.userPool.id,
        generateSecret: true,
        allowedOauthFlows: ["client_credentials"],
        allowedOauthFlowsUserPoolClient: true,
        allowedOauthScopes: client.scopes.map(terraformLiteral),
        // No user signs in through a machine client: refresh only (Cognito's default would add SRP and custom auth).
        explicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH"],
        // The stack invariant: an explicit list without custom:cert_fingerprint.
        writeAttributes: ["email"],
        preventUserExistenceErrors: "ENABLED",
        enableTokenRevocation: true,
        accessTokenValidity: props.accessTokenValidityMinutes,
        idTokenValidity: 60,
        refreshTokenValidity: 30,
        tokenValidityUnits: [{ accessToken: "minutes", idToken: "minutes", refreshToken: "days" }],
        // A client's scopes must be declared first.
        dependsOn: [this.resourceServer],
      });
    }
    this.clients = clients;

    this.bindingsPath = machineBindingsPath(props.namePrefix);
    const bindings: Record<string, SsmParameter> = {};
    for (const client of props.clients) {
      const entry = Fn.jsonencode(registryEntry(clients[client.name].id, client));
      bindings[client.name] = new SsmParameter(this, `binding-${clientId(client.name)}`, {
        name: `${this.bindingsPath}${clients[client.name].id}`,
        description: `Certificate of machine client ${client.name} (RFC 8705 x5t#S256), read by the pre token generation trigger. Written by Terraform from machineClients.`,
        type: "String",
        tier: "Standard",
        // Thumbprints of public certificates, not secrets: plain, so plans show them to reviewers.
        insecureValue: entry,
      });
    }
    this.bindings = bindings;
  }

  /**
   * Lets `role` (the trigger's, the authorizer's) read the registry: ssm:GetParameter on exactly
   * its path (this account, this Region), nothing else; one statement whatever the number of clients.
   * `reader` names the grant's resources (none: the trigger's).
   */
  grantRead(role: IamRole, reader?: string): void {
    const first = Object.values(this.bindings)[0];
    const suffix = reader ? `-${reader}` : "";
    const document = new DataAwsIamPolicyDocument(this, `read-bindings${suffix}`, {
      // A parameter's ARN with its last segment (the client id) as "*": arn:…:parameter/<prefix>/machine-client-bindings/*
      statement: [{ effect: "Allow", actions: ["ssm:GetParameter"], resources: [Fn.replace(first.arn, "/[^/]+$/", "*")] }],
    });
    new IamRolePolicy(this, `read-bindings${suffix}-policy`, { name: "read-machine-client-bindings", role: role.id, policy: document.json });
  }
}

/**
 * The description Cognito shows for a scope: within its 256 characters (AWS_QUOTAS) whatever the
 * scope's length; a scope is at most 256 characters itself (api-scopes.ts), so it always fits alone.
 */
export function scopeDescription(scope: string, identifier: string): string {
  if (scope === `${identifier}/invoke`) return "Call the API (every machine client has it)";
  const full = `${scope} (API document, groups or machine clients)`;
  return full.length <= AWS_QUOTAS.cognitoScopeDescriptionCharacters.value ? full : scope.slice(0, AWS_QUOTAS.cognitoScopeDescriptionCharacters.value);
}

/** The registry's SSM path, known at synth so the trigger's environment can carry it: one parameter per client id under it. */
export function machineBindingsPath(namePrefix: string): string {
  return `/${namePrefix}/machine-client-bindings/`;
}

/** Ids from the name (not the position), so adding a client never replaces another. */
function clientId(name: string): string {
  return `client-${name.replace(/[^A-Za-z0-9-]/g, "").slice(0, 40)}-${createHash("sha256").update(name).digest("hex").slice(0, 8)}`;
}
