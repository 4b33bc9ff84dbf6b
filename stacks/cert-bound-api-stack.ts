/**
 * The whole certificate-bound API as one Terraform stack: three bundled functions,
 * the Cognito pool with its binding trigger, the REST API with its authorizer, and the
 * mutual-TLS custom domain. Deployment-specific values are Terraform variables, so
 * synthesis needs no input and no AWS credentials.
 */
import { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { BundledFunction } from "./bundled-function";
import { CertBoundUserPool } from "./cert-bound-user-pool";
import { MtlsCustomDomain } from "./mtls-custom-domain";
import { MtlsRestApi } from "./mtls-rest-api";
import type { BackendSettings, EnvironmentSettings } from "./deployment-config";
import { StackInputs } from "./stack-inputs";
import { addStateBackend } from "./state-backend";

export interface CertBoundApiStackProps {
  /**
   * Prefix of every AWS resource name, so several copies coexist in one account and region.
   * @default the stack name
   */
  readonly namePrefix?: string;
  /**
   * The environment this stack deploys; its settings become the variables' defaults.
   * @default none: log_retention_days 30, enable_admin_password_auth false, user_pool_deletion_protection false
   */
  readonly environment?: EnvironmentSettings;
  /**
   * Where Terraform keeps the state.
   * @default a local file at the project root, by relative path (same JSON in every checkout)
   */
  readonly backend?: BackendSettings;
}

export class CertBoundApiStack extends TerraformStack {
  readonly inputs: StackInputs;

  constructor(scope: Construct, name: string, props: CertBoundApiStackProps = {}) {
    super(scope, name);
    const namePrefix = props.namePrefix ?? name;
    if (!/^[a-z][a-z0-9-]{0,30}$/.test(namePrefix)) {
      throw new Error(`CertBoundApiStack ${name}: namePrefix "${namePrefix}" must be 1-31 lowercase letters, digits or '-', starting with a letter`);
    }

    addStateBackend(this, name, props.backend ?? { type: "local" }, props.environment?.name);

    this.inputs = new StackInputs(this, props.environment);
    const inputs = this.inputs;

    new AwsProvider(this, "aws", {
      region: inputs.awsRegion.stringValue,
      defaultTags: [{
        tags: { project: "cert-bound-access-tokens", stack: name, "managed-by": "cdktf", ...(props.environment ? { environment: props.environment.name } : {}) },
      }],
    });

    const logRetentionDays = inputs.logRetentionDays.numberValue;
    const preTokenGeneration = new BundledFunction(this, "pre-token-generation", {
      handlerName: "pre-token-generation",
      functionName: `${namePrefix}-pre-token-generation`,
      description: "Cognito pre token generation (V2_0): binds access tokens to the user's client certificate (cnf.x5t#S256)",
      logRetentionDays,
      timeoutSeconds: 5,
      memorySize: 128,
    });
    const userPool = new CertBoundUserPool(this, "user-pool", {
      namePrefix,
      preTokenGenerationFunction: preTokenGeneration.function,
      enableAdminPasswordAuth: inputs.enableAdminPasswordAuth.booleanValue,
      deletionProtection: inputs.userPoolDeletionProtection.booleanValue,
      accessTokenValidityMinutes: inputs.accessTokenValidityMinutes.numberValue,
    });

    const authorizer = new BundledFunction(this, "authorizer", {
      handlerName: "authorizer",
      functionName: `${namePrefix}-authorizer`,
      description: "API Gateway REQUEST authorizer: allows only access tokens bound to the mTLS client certificate (RFC 8705)",
      logRetentionDays,
      environment: {
        USER_POOL_ID: userPool.userPool.id,
        USER_POOL_CLIENT_ID: userPool.client.id,
        // The same value as the client's access_token_validity: the authorizer refuses longer-lived tokens.
        ACCESS_TOKEN_VALIDITY_MINUTES: inputs.accessTokenValidityMinutes.stringValue,
      },
    });
    const example = new BundledFunction(this, "example", {
      handlerName: "example",
      functionName: `${namePrefix}-example`,
      description: "GET /example: the protected example function",
      logRetentionDays,
      memorySize: 128,
    });

    const restApi = new MtlsRestApi(this, "rest-api", {
      namePrefix,
      authorizerFunction: authorizer.function,
      exampleFunction: example.function,
      stageName: "prod",
    });

    const customDomain = new MtlsCustomDomain(this, "custom-domain", {
      domainName: inputs.customDomainName.stringValue,
      certificateArn: inputs.customDomainCertArn.stringValue,
      truststoreBucket: inputs.bucketName.stringValue,
      truststoreKey: inputs.caCertKey.stringValue,
      truststoreVersion: inputs.truststoreVersion.stringValue,
      ownershipVerificationCertificateArn: inputs.ownershipVerificationCertificateArn.stringValue,
      restApiId: restApi.api.id,
      stageName: restApi.stage.stageName,
      route53ZoneId: inputs.route53ZoneId.stringValue,
    });

    const output = (id: string, value: string, description: string) =>
      new TerraformOutput(this, id, { value, description }).overrideLogicalId(id);
    output("custom_domain_url", `https://${customDomain.domain.domainName}`, "Base URL of the API (mutual TLS); the example is at /example.");
    output("user_pool_id", userPool.userPool.id, "Cognito user pool id.");
    output("user_pool_client_id", userPool.client.id, "Cognito app client id (no secret).");
    output("api_id", restApi.api.id, "REST API id.");
    output("regional_domain_name", customDomain.domain.regionalDomainName, "Target of the DNS alias/CNAME record for custom_domain_name.");
    output("regional_zone_id", customDomain.domain.regionalZoneId, "Hosted zone id of regional_domain_name, for a Route 53 alias record.");
  }
}
