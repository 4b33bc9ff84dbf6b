/**
 * The only way into the API: a regional custom domain that requires a client
 * certificate (mutual TLS) issued by a CA in the truststore. Its ACM certificates must be
 * in the stack's region: checked at plan time, since AWS would refuse them only at apply.
 */
import { Construct } from "constructs";
import { Fn, Op, Token, type Precondition } from "cdktf";
import { ApiGatewayBasePathMapping } from "@cdktf/provider-aws/lib/api-gateway-base-path-mapping";
import { ApiGatewayDomainName } from "@cdktf/provider-aws/lib/api-gateway-domain-name";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";

export interface MtlsCustomDomainProps {
  readonly domainName: string;
  /** ACM certificate for `domainName`, in the API's region. */
  readonly certificateArn: string;
  /** S3 bucket and key of the truststore PEM bundle. */
  readonly truststoreBucket: string;
  readonly truststoreKey: string;
  /** S3 object version of the truststore. @default the latest version */
  readonly truststoreVersion?: string;
  /** Needed for imported or private-CA server certificates. @default none */
  readonly ownershipVerificationCertificateArn?: string;
  readonly restApiId: string;
  readonly stageName: string;
  /** Route 53 hosted zone for an alias A record. @default no record */
  readonly route53ZoneId?: string;
}

export class MtlsCustomDomain extends Construct {
  readonly domain: ApiGatewayDomainName;

  constructor(scope: Construct, id: string, props: MtlsCustomDomainProps) {
    super(scope, id);

    // The region the provider deploys to (aws_region, or the AWS environment's): known at plan time.
    const region = new DataAwsRegion(this, "region").name;
    this.domain = new ApiGatewayDomainName(this, "domain", {
      domainName: props.domainName,
      endpointConfiguration: { types: ["REGIONAL"] },
      regionalCertificateArn: props.certificateArn,
      securityPolicy: "TLS_1_2",
      mutualTlsAuthentication: {
        truststoreUri: `s3://${props.truststoreBucket}/${props.truststoreKey}`,
        truststoreVersion: props.truststoreVersion,
      },
      ownershipVerificationCertificateArn: props.ownershipVerificationCertificateArn,
      lifecycle: {
        precondition: [
          sameRegion("The custom domain's certificate", props.certificateArn, region),
          ...(props.ownershipVerificationCertificateArn === undefined ? [] : [sameRegion("The ownership verification certificate", props.ownershipVerificationCertificateArn, region, true)]),
        ],
      },
    });

    new ApiGatewayBasePathMapping(this, "base-path-mapping", {
      apiId: props.restApiId,
      stageName: props.stageName,
      domainName: this.domain.domainName,
    });

    if (props.route53ZoneId !== undefined) {
      new Route53Record(this, "alias-record", {
        // Works for a plain value as well as for a nullable Terraform variable.
        count: Token.asNumber(Fn.conditional(Op.eq(props.route53ZoneId, Token.nullValue()), 0, 1)),
        zoneId: props.route53ZoneId,
        name: this.domain.domainName,
        type: "A",
        alias: { name: this.domain.regionalDomainName, zoneId: this.domain.regionalZoneId, evaluateTargetHealth: false },
      });
    }
  }
}

/**
 * A precondition: the ACM certificate ARN's region (its 4th field) is `region`. An ARN that
 * does not parse passes here: the variable's own validation reports it. (Terraform evaluates
 * the message even when the condition holds, so it must not fail on a null ARN either.)
 */
function sameRegion(what: string, arn: string, region: string, nullable = false): Precondition {
  const arnExpression = Token.isUnresolved(arn) ? arn : JSON.stringify(arn); // a Terraform reference, or a literal
  const arnRegion = `split(":", ${arnExpression})[3]`;
  const shownArn = `\${${arnExpression} == null ? "null" : ${arnExpression}}`;
  const shownRegion = `\${try(${arnRegion}, "?")}`;
  return {
    condition: `\${${nullable ? `${arnExpression} == null || ` : ""}try(${arnRegion} == ${region}, true)}`,
    errorMessage: `${what} (${shownArn}) is in region ${shownRegion}, but this stack deploys to ${region}: a REGIONAL custom domain needs ACM certificates from its own region. Request or import the certificate in ${region}, or deploy the stack to ${shownRegion}.`,
  };
}
