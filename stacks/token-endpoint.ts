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
 * - kms:GenerateMac on the voucher key (voucher-key.ts), and the CRL read of the authorizer.
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
import type { MachineClientDefinition } from "./machine-client-config";
import { revocationEnvironment, revocationSourceOf } from "./revocation-environment";
import { RevocationListAccess } from "./revocation-list-access";
import type { StackInputs } from "./stack-inputs";
import { terraformLiteral } from "./terraform-literal";
import type { VoucherKey } from "./voucher-key";

export const TOKEN_ENDPOINT_ROUTES = [{ method: "POST", path: "/oauth2/token" }, { method: "GET", path: "/.well-known/oauth-authorization-server" }] as const;

/** Lambda's 4 KB of environment, less what the other variables take. */
const MAX_CLIENTS_BYTES = 3000;

export interface MtlsTokenEndpointProps {
  readonly namePrefix: string;
  readonly clients: readonly MachineClientDefinition[];
  /** The clients' Cognito app clients, by name. */
  readonly appClients: Readonly<Record<string, CognitoUserPoolClient>>;
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

    const specs = clients.map((client) => ({
      name: client.name,
      method: client.tokenEndpointAuthMethod ?? "self_signed_tls_client_auth",
      subjectDn: client.tlsClientAuth ? terraformLiteral(client.tlsClientAuth.subjectDn) : null,
      issuerDn: client.tlsClientAuth?.issuerDn !== undefined ? terraformLiteral(client.tlsClientAuth.issuerDn) : null,
      x5tS256: client.tlsClientAuth ? null : client.x5tS256,
      scopes: client.scopes.map(terraformLiteral),
    }));
    const bytes = Buffer.byteLength(JSON.stringify(specs)) + 30 * clients.length;
    if (bytes > MAX_CLIENTS_BYTES) {
      throw new Error(`MtlsTokenEndpoint: the machine clients' registrations take about ${bytes} bytes, more than the token function's environment holds (${MAX_CLIENTS_BYTES}); use fewer clients, scopes or shorter DNs`);
    }

    this.fn = new BundledFunction(this, "function", {
      handlerName: "token-endpoint",
      functionName: `${namePrefix}-token-endpoint`,
      description: "mTLS token endpoint (RFC 8705 §2): client_credentials tokens for a client certificate alone, bound to it",
      logRetentionDays: props.logRetentionDays,
      timeoutSeconds: 10,
      memorySize: 256,
      otherPermissions: "reads the machine clients' secrets, generates voucher MACs, reads the CRL bundle",
      environment: {
        TOKEN_CLIENTS: Fn.jsonencode(Fn.zipmap(clients.map((client) => appClients[client.name].id), specs)),
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
        { sid: "ReadClientSecrets", effect: "Allow", actions: ["ssm:GetParameter"], resources: this.secrets.map((secret) => secret.arn) },
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
