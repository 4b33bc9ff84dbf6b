/**
 * What the AWS stand-in (moto 5.2.1) cannot do, named one by one. Everything else the stack
 * creates must apply, read back without a diff, show through the SDK as configured, and be
 * destroyed. Add an entry only for a gap of the stand-in (say which API call lacks what);
 * a difference that real AWS would show too is a defect of the stack: fix the stack.
 */

/** An attribute the stand-in does not store or return, so the second plan always wants to set it again. */
export interface MotoGap {
  /** Terraform resource type, e.g. aws_lambda_function. */
  readonly resourceType: string;
  /** Top-level attribute or block of that type, as in the plan JSON. */
  readonly attribute: string;
  readonly why: string;
}

export const MOTO_DRIFT_ALLOW_LIST: readonly MotoGap[] = [
  {
    resourceType: "aws_api_gateway_domain_name",
    attribute: "mutual_tls_authentication",
    why: "moto's CreateDomainName drops mutualTlsAuthentication and GetDomainName never returns it (moto/apigateway/models.py DomainName has no such field)",
  },
  {
    resourceType: "aws_api_gateway_domain_name",
    attribute: "ownership_verification_certificate_arn",
    why: "moto's CreateDomainName drops ownershipVerificationCertificateArn, which AWS requires for mutual TLS with an imported certificate",
  },
  {
    resourceType: "aws_cognito_user_pool",
    attribute: "user_pool_tier",
    why: "moto's CreateUserPool ignores UserPoolTier and DescribeUserPool does not return it",
  },
  {
    resourceType: "aws_lambda_function",
    attribute: "logging_config",
    why: "moto's CreateFunction ignores LoggingConfig and GetFunction does not return it",
  },
];

/**
 * A stack input the cycle leaves at its default, so the resources it enables are not applied:
 * a value the stand-in cannot produce in a form the stack accepts, or a user's own resource the
 * cycle cannot seed. Each one is printed by every run.
 */
export interface SkippedInput {
  readonly variable: string;
  /** The resource types that stay at count 0 because of it. */
  readonly resourceTypes: readonly string[];
  readonly why: string;
}

export const SKIPPED_INPUTS: readonly SkippedInput[] = [
  {
    variable: "route53_zone_id",
    resourceTypes: ["aws_route53_record"],
    why: "moto's CreateHostedZone makes ids such as DP5A81NWC8NDL6OFSADJFQ, while AWS's start with Z, which the stack's validation of route53_zone_id requires",
  },
  {
    variable: "waf_web_acl_arn",
    resourceTypes: ["aws_wafv2_web_acl_association"],
    why: "the web ACL is the user's own: the cycle seeds what users bring through the AWS SDK, and the project has no WAFv2 client (moto 5.2.1 does implement CreateWebACL and AssociateWebACL for REST API stages; creating the ACL with Terraform instead costs ~25 s per run). The offline plan tests cover the association",
  },
];

/**
 * A resource type the cycle removes from its copy of the stack because the stand-in lacks
 * its API altogether (none today: moto 5.2.1 has every API the stack calls). A type that
 * other resources or outputs reference cannot be removed, and the cycle says so.
 */
export interface SkippedResourceType {
  readonly resourceType: string;
  readonly why: string;
}

export const SKIPPED_RESOURCE_TYPES: readonly SkippedResourceType[] = [];

/**
 * A resource type whose destroy the stand-in cannot carry out (the provider's delete call fails
 * there, although AWS accepts it). The cycle removes its instances from the state before the
 * destroy (`terraform state rm`), undoes them through the SDK in a form the stand-in accepts,
 * and shows through the SDK that they are undone (release-resources.ts holds how, per type).
 * They count as destroyed only once that check passes; the cycle names each one it released.
 */
export interface MotoDestroyGap {
  readonly resourceType: string;
  /** The API call of the provider's delete that the stand-in fails. */
  readonly operation: string;
  readonly why: string;
}

export const MOTO_DESTROY_GAPS: readonly MotoDestroyGap[] = [
  {
    resourceType: "aws_api_gateway_account",
    operation: "UpdateAccount (reset_on_delete)",
    why: "the provider resets the account's CloudWatch role with a patch `replace /cloudwatchRoleArn` without a value, as AWS accepts; moto's Account.apply_patch_operations reads op[\"value\"] and answers 500 (KeyError). The setting is a per-region singleton that a destroy only resets, so the cycle resets it itself (an empty value, which moto takes) and checks that the account no longer names the stack's role",
  },
  {
    resourceType: "aws_cognito_resource_server",
    operation: "DeleteResourceServer",
    why: "moto 5.2.1 has no DeleteResourceServer (nor UpdateResourceServer: a change of its scopes cannot be tried there either); its responses.py implements only Create/Describe/ListResourceServers. A resource server lives inside its user pool, and the pool's DeleteUserPool takes it along (on AWS as on moto), so the cycle leaves it to the pool's destroy and then shows through the SDK that DescribeResourceServer finds it no more",
  },
];

/**
 * A resource type the stand-in cannot update (the provider's update call fails there). A
 * second apply of the cycle (reapply.ts) leaves its instances as they are (`ignore_changes =
 * all` in its copy of the configuration); every other type must update as AWS would.
 */
export interface MotoUpdateGap {
  readonly resourceType: string;
  /** The API call of the provider's update that the stand-in lacks. */
  readonly operation: string;
  readonly why: string;
}

export const MOTO_UPDATE_GAPS: readonly MotoUpdateGap[] = [
  {
    resourceType: "aws_api_gateway_domain_name",
    operation: "UpdateDomainName",
    why: "moto 5.2.1 has no UpdateDomainName (its apigateway/responses.py implements create, get and delete of domain names; the call answers 500), and since it drops mutual_tls_authentication on create, every apply after the first would update the domain. The truststore's version change is checked in the plan instead",
  },
];

/**
 * A resource type whose instances the stand-in cannot destroy side by side: the cycle destroys
 * them first, one at a time (`-parallelism=1`, with what depends on them), then the rest.
 */
export interface MotoSerialDestroyGap {
  readonly resourceType: string;
  readonly why: string;
}

export const MOTO_SERIAL_DESTROY_GAPS: readonly MotoSerialDestroyGap[] = [
  {
    resourceType: "aws_lambda_permission",
    why: "moto 5.2.1 removes a statement from a function's policy list while other threads iterate it (awslambda/policy.py del_statement, no lock), so two RemovePermission calls on one function at once can leave a statement behind, and the provider then waits 5 minutes for it to go (\"waiting for Lambda Permission … delete: found resource\")",
  },
];

/** The gap that covers an attribute of a type, if any. */
export function gapFor(gaps: readonly MotoGap[], resourceType: string, attribute: string): MotoGap | undefined {
  return gaps.find((gap) => gap.resourceType === resourceType && gap.attribute === attribute);
}
