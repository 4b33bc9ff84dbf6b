/**
 * The stack's Terraform variables: what an operator sets per deployment (tfvars file or
 * `--var`). Each has a description and a validation with a message that says what to do.
 * Their names are a contract (users write tfvars files against them), hence overrideLogicalId.
 */
import { Construct } from "constructs";
import { TerraformVariable, type TerraformVariableConfig } from "cdktf";

/** Retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

const ACM_ARN = "^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]+$";

/** A variable named exactly `name` in the Terraform JSON, with its validations as expressions. */
export function variable(scope: Construct, name: string, config: TerraformVariableConfig & { optional?: true }): TerraformVariable {
  const { optional, validation, ...terraformConfig } = config;
  const v = new TerraformVariable(scope, name, {
    ...terraformConfig,
    // Terraform's JSON syntax reads a condition as an expression only inside "${…}".
    validation: validation?.map((rule) => ({ ...rule, condition: `\${${rule.condition}}` })),
  });
  v.overrideLogicalId(name);
  // cdktf cannot synthesize `default: null` itself; an optional variable defaults to null.
  if (optional) v.addOverride("default", null);
  return v;
}

/** Per-environment defaults of the variables (see EnvironmentSettings). */
export interface StackInputDefaults {
  /** @default 30 */
  readonly logRetentionDays?: number;
  /** @default false */
  readonly enableAdminPasswordAuth?: boolean;
  /** @default true (false only for environments marked ephemeral) */
  readonly userPoolDeletionProtection?: boolean;
  /** @default false: SRP and refresh only */
  readonly enableUserPasswordAuth?: boolean;
  /** @default null (the AWS environment's region) */
  readonly awsRegion?: string;
}

export interface StackInputOptions {
  /** The stack has machine clients: user_pool_domain_prefix is then required (their token endpoint). @default false */
  readonly machineClients?: boolean;
}

export class StackInputs {
  readonly awsRegion: TerraformVariable;
  readonly bucketName: TerraformVariable;
  readonly caCertKey: TerraformVariable;
  readonly customDomainCertArn: TerraformVariable;
  readonly customDomainName: TerraformVariable;
  readonly truststoreVersion: TerraformVariable;
  readonly ownershipVerificationCertificateArn: TerraformVariable;
  readonly route53ZoneId: TerraformVariable;
  readonly logRetentionDays: TerraformVariable;
  readonly enableAdminPasswordAuth: TerraformVariable;
  readonly userPoolDeletionProtection: TerraformVariable;
  readonly accessTokenValidityMinutes: TerraformVariable;
  readonly crlKey: TerraformVariable;
  readonly crlRefreshSeconds: TerraformVariable;
  readonly crlGraceSeconds: TerraformVariable;
  readonly userPoolDomainPrefix: TerraformVariable;
  readonly truststoreKmsKeyArn: TerraformVariable;
  readonly enableUserPasswordAuth: TerraformVariable;
  readonly mfaConfiguration: TerraformVariable;

  constructor(scope: Construct, defaults: StackInputDefaults = {}, options: StackInputOptions = {}) {
    this.awsRegion = variable(scope, "aws_region", {
      type: "string",
      nullable: true,
      ...(defaults.awsRegion ? { default: defaults.awsRegion } : { optional: true }),
      description: "AWS region to deploy to. null = the region of your AWS environment (AWS_REGION or profile).",
      validation: [{ condition: 'var.aws_region == null || can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", var.aws_region))', errorMessage: 'aws_region must be a region name such as "eu-west-1", or null.' }],
    });
    this.bucketName = variable(scope, "bucket_name", {
      type: "string",
      description: "S3 bucket holding the mutual-TLS truststore (enable versioning on it).",
      validation: [{ condition: 'can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))', errorMessage: "bucket_name must be an S3 bucket name: 3-63 lowercase letters, digits, '.' or '-'." }],
    });
    this.caCertKey = variable(scope, "ca_cert_key", {
      type: "string",
      description: "S3 object key of the truststore: a PEM bundle of the CA certificates that issue client certificates.",
      validation: [{ condition: 'length(var.ca_cert_key) > 0 && !startswith(var.ca_cert_key, "/")', errorMessage: 'ca_cert_key must be the object key of the truststore PEM, without a leading "/" (e.g. "truststore.pem").' }],
    });
    this.customDomainCertArn = variable(scope, "custom_domain_cert_arn", {
      type: "string",
      description: "ARN of the ACM certificate for custom_domain_name, in the deployment region.",
      validation: [{ condition: `can(regex("${ACM_ARN}", var.custom_domain_cert_arn))`, errorMessage: "custom_domain_cert_arn must be an ACM certificate ARN: arn:aws:acm:<region>:<account>:certificate/<id>." }],
    });
    this.customDomainName = variable(scope, "custom_domain_name", {
      type: "string",
      description: "DNS name clients call (the API is reachable only there, with mutual TLS). Must match the ACM certificate.",
      validation: [{ condition: 'can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\\\.)+[a-z]{2,63}$", var.custom_domain_name))', errorMessage: 'custom_domain_name must be a lowercase DNS name such as "api.example.com".' }],
    });
    this.truststoreVersion = variable(scope, "truststore_version", {
      type: "string",
      nullable: true,
      optional: true,
      description: "S3 object version of the truststore to use. null = the latest version.",
      validation: [{ condition: "var.truststore_version == null || try(length(var.truststore_version) > 0, false)", errorMessage: "truststore_version must be a non-empty S3 version id, or null for the latest." }],
    });
    this.ownershipVerificationCertificateArn = variable(scope, "ownership_verification_certificate_arn", {
      type: "string",
      nullable: true,
      optional: true,
      description: "ACM certificate that proves domain ownership; needed when custom_domain_cert_arn is imported or from a private CA. null = none.",
      validation: [{ condition: `var.ownership_verification_certificate_arn == null || can(regex("${ACM_ARN}", var.ownership_verification_certificate_arn))`, errorMessage: "ownership_verification_certificate_arn must be an ACM certificate ARN, or null." }],
    });
    this.route53ZoneId = variable(scope, "route53_zone_id", {
      type: "string",
      nullable: true,
      optional: true,
      description: "Route 53 hosted zone for an alias A record of custom_domain_name. null = manage DNS yourself (see the regional_* outputs).",
      validation: [{ condition: 'var.route53_zone_id == null || can(regex("^Z[A-Z0-9]{1,32}$", var.route53_zone_id))', errorMessage: 'route53_zone_id must be a hosted zone id such as "Z0123456789ABCDEFGHIJ", or null.' }],
    });
    this.logRetentionDays = variable(scope, "log_retention_days", {
      type: "number",
      default: defaults.logRetentionDays ?? 30,
      description: "Retention of the functions' CloudWatch log groups, in days.",
      validation: [{ condition: `contains([${LOG_RETENTION_DAYS.join(", ")}], var.log_retention_days)`, errorMessage: `log_retention_days must be one of CloudWatch's values: ${LOG_RETENTION_DAYS.join(", ")}.` }],
    });
    this.enableAdminPasswordAuth = variable(scope, "enable_admin_password_auth", {
      type: "bool",
      default: defaults.enableAdminPasswordAuth ?? false,
      description: "Also allow ADMIN_USER_PASSWORD_AUTH on the app client (server-side sign-in with IAM credentials; for testing).",
    });
    this.enableUserPasswordAuth = variable(scope, "enable_user_password_auth", {
      type: "bool",
      default: defaults.enableUserPasswordAuth ?? false,
      description: "Also allow USER_PASSWORD_AUTH on the app client (the password travels to Cognito; for trials and `npm run local`). false = SRP (ALLOW_USER_SRP_AUTH) and refresh only.",
    });
    this.mfaConfiguration = variable(scope, "mfa_configuration", {
      type: "string",
      default: "OFF",
      description: "Multi-factor sign-in of users: OFF, OPTIONAL (only users who have an authenticator app; they cannot enrol themselves, as tokens lack the self-service scope) or ON (required; software TOTP, enrolled at sign-in).",
      validation: [{ condition: 'contains(["OFF", "OPTIONAL", "ON"], var.mfa_configuration)', errorMessage: 'mfa_configuration must be "OFF", "OPTIONAL" or "ON" (software TOTP).' }],
    });
    this.userPoolDeletionProtection = variable(scope, "user_pool_deletion_protection", {
      type: "bool",
      default: defaults.userPoolDeletionProtection ?? true,
      description: "Refuse to delete the user pool (its users and certificate bindings) until this is set back to false.",
    });
    this.accessTokenValidityMinutes = variable(scope, "access_token_validity_minutes", {
      type: "number",
      default: 60,
      description: "Lifetime of access tokens in minutes (the app client's access_token_validity); the authorizer refuses tokens that claim to live longer.",
      validation: [{
        condition: "floor(var.access_token_validity_minutes) == var.access_token_validity_minutes && var.access_token_validity_minutes >= 5 && var.access_token_validity_minutes <= 1440",
        errorMessage: "access_token_validity_minutes must be a whole number of minutes from 5 to 1440 (24 hours), Cognito's limits for access tokens.",
      }],
    });
    this.crlKey = variable(scope, "crl_key", {
      type: "string",
      nullable: true,
      optional: true,
      description: "S3 object key, in bucket_name, of the CRL bundle (PEM, one CRL per issuing CA; or one DER CRL). null = revocation checking off.",
      validation: [{
        condition: 'var.crl_key == null || try(length(var.crl_key) > 0 && !startswith(var.crl_key, "/"), false)',
        errorMessage: 'crl_key must be the object key of the CRL bundle in bucket_name, without a leading "/" (e.g. "crls.pem"), or null to leave revocation checking off.',
      }],
    });
    this.crlRefreshSeconds = variable(scope, "crl_refresh_seconds", {
      type: "number",
      default: 300,
      description: "How often the authorizer reloads the CRL bundle and the truststore in the background, in seconds.",
      validation: [{
        condition: "floor(var.crl_refresh_seconds) == var.crl_refresh_seconds && var.crl_refresh_seconds >= 10 && var.crl_refresh_seconds <= 86400",
        errorMessage: "crl_refresh_seconds must be a whole number of seconds from 10 to 86400 (one day).",
      }],
    });
    this.crlGraceSeconds = variable(scope, "crl_grace_seconds", {
      type: "number",
      default: 3600,
      description: "How long past a CRL's nextUpdate it still counts; after that every certificate of its CA is refused (crl_stale) until a newer CRL is published.",
      validation: [{
        condition: "floor(var.crl_grace_seconds) == var.crl_grace_seconds && var.crl_grace_seconds >= 0 && var.crl_grace_seconds <= 2592000",
        errorMessage: "crl_grace_seconds must be a whole number of seconds from 0 to 2592000 (30 days).",
      }],
    });
    this.truststoreKmsKeyArn = variable(scope, "truststore_kms_key_arn", {
      type: "string",
      nullable: true,
      optional: true,
      description: "ARN of the customer-managed KMS key that encrypts bucket_name (SSE-KMS). With crl_key set, the authorizer may kms:Decrypt with it, through S3 only. null = S3-managed keys (SSE-S3).",
      validation: [{
        condition: 'var.truststore_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+$", var.truststore_kms_key_arn))',
        errorMessage: "truststore_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>; not an alias), or null when the bucket uses S3-managed keys.",
      }],
    });
    this.userPoolDomainPrefix = variable(scope, "user_pool_domain_prefix", {
      type: "string",
      nullable: true,
      optional: true,
      description: "Prefix of the user pool's Cognito domain, whose https://<prefix>.auth.<region>.amazoncognito.com/oauth2/token serves machine clients' tokens (client_credentials). Unique in the region; required when machineClients are configured, unused otherwise.",
      validation: [
        {
          condition: 'var.user_pool_domain_prefix == null || can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", var.user_pool_domain_prefix))',
          errorMessage: 'user_pool_domain_prefix must be 1-63 lowercase letters, digits or hyphens, not starting or ending with a hyphen (Cognito\'s rule for a domain prefix), e.g. "acme-api-auth".',
        },
        {
          condition: 'var.user_pool_domain_prefix == null || !can(regex("aws|amazon|cognito", var.user_pool_domain_prefix))',
          errorMessage: 'user_pool_domain_prefix must not contain "aws", "amazon" or "cognito": Cognito reserves them in domain prefixes.',
        },
        ...(options.machineClients ? [{
          condition: "var.user_pool_domain_prefix != null",
          errorMessage: "user_pool_domain_prefix is required: this stack has machine clients (machineClients in cbat.config.json), which get their tokens from https://<prefix>.auth.<region>.amazoncognito.com/oauth2/token. Choose a prefix no one else uses in the region, e.g. \"acme-api-auth\".",
        }] : []),
      ],
    });
  }
}
