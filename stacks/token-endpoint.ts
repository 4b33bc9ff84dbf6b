/**
 * The mTLS token endpoint (RFC 8705 §2) on the stack's custom domain: machine clients get
 * certificate-bound tokens with their certificate alone (handlers/token-endpoint.ts).
 * - the function `<prefix>-token-endpoint`, served by `POST /oauth2/token` and
 *   `GET /.well-known/oauth-authorization-server` without the Lambda authorizer (the gateway has
 *   verified the certificate chain; the function authenticates the client with it);
 * - each machine client's app client secret in an SSM SecureString parameter encrypted with a key
 *   of its own: the function's role may read exactly those parameters and decrypt with that key
 *   through SSM only (the AWS managed aws/ssm key would let every principal of the account decrypt:
 *   Systems Manager user guide, "Restricting decryption of SecureString parameter values");
 * - kms:GenerateMac on the voucher key (voucher-key.ts), and the CRL read of the authorizer;
 * - the clients' registrations (method, subject DN, issuer DN, scopes) in their machine-client
 *   registry entries, one SSM parameter per client (machine-clients.ts): the function reads the
 *   calling client's entry (its SSM path only, 60 s cache), so the endpoint serves as many clients
 *   as the registry holds; its environment and policies do not grow with them.
 * `watch()` adds its throttling, decision metrics and alarms (token-endpoint-operations.ts).
 */
import { Construct } from "constructs";
import { Fn, type IResolvable } from "cdktf";
import type { CognitoUserPoolClient } from "@cdktf/provider-aws/lib/cognito-user-pool-client";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import type { UnauthorizedRoute } from "./api-routes";
import { BundledFunction } from "./bundled-function";
import type { MachineClientDefinition } from "./machine-client-definition";
import type { MachineClients } from "./machine-clients";
import { revocationEnvironment, revocationSourceOf } from "./revocation-environment";
import { RevocationListAccess } from "./revocation-list-access";
import type { StackInputs } from "./stack-inputs";
import type { VoucherKey } from "./voucher-key";
import { SCOPES_SUPPORTED_FILE } from "../handlers/lib/packaged-data";

export const TOKEN_ENDPOINT_ROUTES = [{ method: "POST", path: "/oauth2/token" }, { method: "GET", path: "/.well-known/oauth-authorization-server" }] as const;

export interface MtlsTokenEndpointProps {
  readonly namePrefix: string;
  readonly clients: readonly MachineClientDefinition[];
  /** The clients' Cognito app clients, by name. */
  readonly appClients: Readonly<Record<string, CognitoUserPoolClient>>;
  /** The machine-client registry that holds each client's registration (its tokenEndpoint field). */
  readonly registry: Pick<MachineClients, "bindingsPath" | "grantRead">;
  readonly userPoolId: string;
  /** Cognito's token endpoint (the pool domain's). */
  readonly cognitoTokenEndpoint: string;
  readonly inputs: StackInputs;
  /** The truststore's S3 version the custom domain uses ("" = latest): the CRL check reads the same CAs. */
  readonly truststoreVersion: string;
  readonly voucherKey: VoucherKey;
  readonly logRetentionDays: number;
  readonly xrayTracingEnabled?: boolean | IResolvable;
}

export class MtlsTokenEndpoint extends Construct {
  readonly fn: BundledFunction;
  readonly secretsKey: KmsKey;
  readonly secrets: SsmParameter[];
  readonly routes: UnauthorizedRoute[];
  readonly secretParameterPrefix: string;

  constructor(scope: Construct, id: string, props: MtlsTokenEndpointProps) {
    super(scope, id);
    const { namePrefix, clients, appClients, inputs } = props;
    this.secretParameterPrefix = `/${namePrefix}/token-endpoint/client-secret/`;

    this.secretsKey = new KmsKey(this, "secrets-key", {
      description: `${namePrefix}: the machine clients' app client secrets (SSM SecureString), decrypted only by the token endpoint`,
      enableKeyRotation: true,
      deletionWindowInDays: 7,
    });
    this.secrets = clients.map((client) => new SsmParameter(this, `secret-${client.name}`, {
      name: `${this.secretParameterPrefix}${client.name}`,
      description: `Cognito app client secret of machine client ${client.name}; read only by ${namePrefix}-token-endpoint`,
      type: "SecureString",
      tier: "Standard",
      keyId: this.secretsKey.arn,
      value: appClients[client.name].clientSecret,
    }));

    this.fn = new BundledFunction(this, "function", {
      handlerName: "token-endpoint",
      functionName: `${namePrefix}-token-endpoint`,
      description: "mTLS token endpoint (RFC 8705 §2): client_credentials tokens for a client certificate alone, bound to it",
      logRetentionDays: props.logRetentionDays,
      // Above the sum of one request's deadlines (registry 2 s, GenerateMac 2 s, secret 2 s, Cognito 5 s,
      // the first CRL read 5 s): a slow dependency ends as server_error JSON, never as a Lambda timeout.
      timeoutSeconds: 20,
      memorySize: 256,
      otherPermissions: "reads the machine clients' registry entries and secrets, generates voucher MACs, reads the CRL bundle",
      // RFC 8414 scopes_supported: the clients' scopes, known at synth; a list that grows with the config goes in the package.
      packagedData: { [SCOPES_SUPPORTED_FILE]: [...new Set(clients.flatMap((client) => client.scopes))].sort() },
      environment: {
        // A literal path, as the trigger's: each client's registration is read from its entry when it asks.
        MACHINE_BINDINGS_PATH: props.registry.bindingsPath,
        PUBLIC_BASE_URL: `https://${inputs.customDomainName.stringValue}`,
        USER_POOL_ID: props.userPoolId,
        COGNITO_TOKEN_ENDPOINT: props.cognitoTokenEndpoint,
        CLIENT_SECRET_PARAMETER_PREFIX: this.secretParameterPrefix,
        VOUCHER_KEY_ID: props.voucherKey.key.arn,
        ...revocationEnvironment(revocationSourceOf(inputs, props.truststoreVersion)),
      },
      xrayTracingEnabled: props.xrayTracingEnabled,
    });

    const region = new DataAwsRegion(this, "region").name;
    const readSecrets = new DataAwsIamPolicyDocument(this, "read-secrets", {
      statement: [
        // Exactly the secrets' path (this account, this Region): one resource whatever the number of clients (a role's inline policies share 10,240 characters).
        { sid: "ReadClientSecrets", effect: "Allow", actions: ["ssm:GetParameter"], resources: [Fn.replace(this.secrets[0].arn, "/[^/]+$/", "*")] },
        {
          sid: "DecryptClientSecretsThroughSsm",
          effect: "Allow",
          actions: ["kms:Decrypt"],
          resources: [this.secretsKey.arn],
          condition: [{ test: "StringEquals", variable: "kms:ViaService", values: [`ssm.${region}.amazonaws.com`] }],
        },
      ],
    });
    new IamRolePolicy(this, "read-secrets-policy", { name: "read-machine-client-secrets", role: this.fn.role.id, policy: readSecrets.json });
    props.registry.grantRead(this.fn.role, "token-endpoint");
    props.voucherKey.grant(this.fn.role, "kms:GenerateMac", "token-endpoint-generates");
    new RevocationListAccess(this, "revocation", {
      role: this.fn.role,
      bucket: inputs.bucketName.stringValue,
      truststoreKey: inputs.caCertKey.stringValue,
      crlKey: inputs.crlKey.stringValue,
    });

    this.routes = TOKEN_ENDPOINT_ROUTES.map((route) => ({ ...route, function: this.fn.function, functionLabel: `${namePrefix}-token-endpoint` }));
  }
}
