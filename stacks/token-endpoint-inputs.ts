/**
 * Variables of the mTLS token endpoint, declared only when the stack has machine clients:
 * its own throttling (every request costs a Lambda run and, unless a fresh token is reused, a
 * Cognito token request) and the threshold of the invalid_client alarm.
 */
import type { Construct } from "constructs";
import type { TerraformVariable } from "cdktf";
import { variable } from "./stack-inputs";

const isInteger = (ref: string) => `floor(${ref}) == ${ref}`;

export class TokenEndpointInputs {
  readonly rateLimit: TerraformVariable;
  readonly burstLimit: TerraformVariable;
  readonly invalidClientAlarmThreshold: TerraformVariable;

  constructor(scope: Construct) {
    this.rateLimit = variable(scope, "token_endpoint_throttling_rate_limit", {
      type: "number",
      default: 10,
      description: "Requests per second allowed on POST /oauth2/token (the mTLS token endpoint), instead of the stage-wide throttling_rate_limit.",
      validation: [{ condition: "var.token_endpoint_throttling_rate_limit > 0 && var.token_endpoint_throttling_rate_limit <= 10000", errorMessage: "token_endpoint_throttling_rate_limit must be a number of requests per second above 0 and at most 10000." }],
    });
    this.burstLimit = variable(scope, "token_endpoint_throttling_burst_limit", {
      type: "number",
      default: 20,
      description: "Burst allowed on POST /oauth2/token (the mTLS token endpoint).",
      validation: [{ condition: `var.token_endpoint_throttling_burst_limit >= 1 && var.token_endpoint_throttling_burst_limit <= 5000 && ${isInteger("var.token_endpoint_throttling_burst_limit")}`, errorMessage: "token_endpoint_throttling_burst_limit must be a whole number of requests from 1 to 5000." }],
    });
    this.invalidClientAlarmThreshold = variable(scope, "invalid_client_alarm_threshold", {
      type: "number",
      default: 10,
      description: "Alarm when more than this many token requests in 5 minutes fail client authentication (invalid_client: a certificate tried for a client it does not belong to, or a scan).",
      validation: [{ condition: `var.invalid_client_alarm_threshold >= 0 && ${isInteger("var.invalid_client_alarm_threshold")}`, errorMessage: "invalid_client_alarm_threshold must be a whole number of requests, 0 or more." }],
    });
  }
}
