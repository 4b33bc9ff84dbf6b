/**
 * The only way into the API: a regional custom domain that requires a client
 * certificate (mutual TLS) issued by a CA in the truststore.
 */
import { Construct } from "constructs";
import { Fn, Op, Token } from "cdktf";
import { ApiGatewayBasePathMapping } from "@cdktf/provider-aws/lib/api-gateway-base-path-mapping";
import { ApiGatewayDomainName } from "@cdktf/provider-aws/lib/api-gateway-domain-name";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";

export interface MtlsCustomDomainProps {
  readonly domainName: string;
  /** ACM certificate for `domainName`, in the API's region. */
  readonly certificateArn: string;
  /** S3 bucket and key of the truststore PEM bundle. */
  readonly truststoreBucket: string;
  readonly truststoreKey: string;
  /** S3 object version of the truststore; null/undefined = latest. */
  readonly truststoreVersion?: string;
  /** Needed for imported or private-CA server certificates; null/undefined = none. */
  readonly ownershipVerificationCertificateArn?: string;
  readonly restApiId: string;
  readonly stageName: string;
  /** Route 53 hosted zone for an alias A record; null/undefined = no record. */
  readonly route53ZoneId?: string;
}

export class MtlsCustomDomain extends Construct {
  readonly domain: ApiGatewayDomainName;

  constructor(scope: Construct, id: string, props: MtlsCustomDomainProps) {
    super(scope, id);

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
