/**
 * The stage's access log: one JSON line per request in its own log group, including requests
 * refused before the authorizer runs (no token, unknown route, throttled). `npm run local`
 * reads the same format from the synthesized stack and writes the same lines to <dir>/access.log.
 */
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";

/**
 * Field → API Gateway context variable. Never the token or the certificate itself (only its
 * serial and expiry), and no free text a client chooses (user agent, raw path): API Gateway
 * inserts values unescaped, so such a value could break or forge a JSON line. That includes the
 * certificate's subject and issuer DN: a CA-issued certificate may carry quotes in them (issue
 * 21), so the line has the serial (hex) and the validity dates only; find the DN by the serial
 * (`openssl ca -status`, the CA's index, or the decision log's x5t#S256).
 */
export const ACCESS_LOG_FIELDS = {
  requestId: "$context.requestId",
  extendedRequestId: "$context.extendedRequestId",
  ip: "$context.identity.sourceIp",
  requestTime: "$context.requestTime",
  requestTimeEpoch: "$context.requestTimeEpoch",
  httpMethod: "$context.httpMethod",
  resourcePath: "$context.resourcePath",
  protocol: "$context.protocol",
  status: "$context.status",
  responseLength: "$context.responseLength",
  responseLatency: "$context.responseLatency",
  integrationLatency: "$context.integrationLatency",
  authorizerStatus: "$context.authorizer.status",
  authorizerError: "$context.authorizer.error",
  authorizerLatency: "$context.authorizer.latency",
  principalId: "$context.authorizer.principalId",
  clientCertSerial: "$context.identity.clientCert.serialNumber",
  clientCertNotBefore: "$context.identity.clientCert.validity.notBefore",
  clientCertNotAfter: "$context.identity.clientCert.validity.notAfter",
  errorResponseType: "$context.error.responseType",
  domainName: "$context.domainName",
} as const;

export type AccessLogField = keyof typeof ACCESS_LOG_FIELDS;

/** The stage's `access_log_settings.format`: one JSON object per line, every value a string. */
export const ACCESS_LOG_FORMAT = JSON.stringify(ACCESS_LOG_FIELDS);

export interface StageAccessLogProps {
  readonly namePrefix: string;
  /** Days (Terraform expression allowed), as the functions' log groups. */
  readonly logRetentionDays: number;
}

export class StageAccessLog extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  /** For `aws_api_gateway_stage.access_log_settings`. */
  readonly settings: { readonly destinationArn: string; readonly format: string };

  constructor(scope: Construct, id: string, props: StageAccessLogProps) {
    super(scope, id);
    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: `/aws/apigateway/${props.namePrefix}/access`,
      retentionInDays: props.logRetentionDays,
    });
    this.settings = { destinationArn: this.logGroup.arn, format: ACCESS_LOG_FORMAT };
  }
}
