/**
 * What a platform team expects around the API on day one: stage access logs (with the account's
 * logging role), throttling, an optional WAF web ACL, the authorizer's decisions as metrics,
 * alarms and a dashboard. Created in two steps: the stage's settings before the REST API exists,
 * the rest once it does.
 */
import { Construct } from "constructs";
import type { ApiGatewayStageConfig } from "@cdktf/provider-aws/lib/api-gateway-stage";
import type { ApiDefinition } from "./api-document";
import { ApiGatewayAccountLogging } from "./api-gateway-account";
import { StageAccessLog } from "./access-logs";
import { AccessLogMetricFilters } from "./access-log-metrics";
import { OperationsAlarms } from "./alarms";
import type { BundledFunction } from "./bundled-function";
import { DecisionMetricFilters } from "./decision-metrics";
import type { MtlsRestApi } from "./mtls-rest-api";
import { OperationsDashboard } from "./operations-dashboard";
import type { OperationsInputs } from "./operations-inputs";
import { StageThrottling } from "./stage-throttling";
import { StageWebAcl } from "./stage-web-acl";

export interface ProductionOperationsProps {
  readonly namePrefix: string;
  readonly logRetentionDays: number;
  readonly inputs: OperationsInputs;
}

export interface WatchedApi {
  readonly restApi: MtlsRestApi;
  readonly api: ApiDefinition;
  readonly authorizer: BundledFunction;
  readonly preTokenGeneration: BundledFunction;
  /** The mTLS token endpoint's function, when the stack has machine clients. */
  readonly tokenEndpoint?: BundledFunction;
}

export class ProductionOperations extends Construct {
  readonly accessLog: StageAccessLog;
  /** For MtlsRestApi's stage: access log, X-Ray, and the account's logging role first. */
  readonly stageSettings: Pick<ApiGatewayStageConfig, "accessLogSettings" | "xrayTracingEnabled" | "dependsOn">;

  constructor(scope: Construct, id: string, private readonly props: ProductionOperationsProps) {
    super(scope, id);
    const { inputs, namePrefix } = props;
    const account = new ApiGatewayAccountLogging(this, "api-gateway-account", { namePrefix, manage: inputs.manageApiGatewayAccount.booleanValue });
    this.accessLog = new StageAccessLog(this, "access-log", { namePrefix, logRetentionDays: props.logRetentionDays });
    this.stageSettings = {
      accessLogSettings: this.accessLog.settings,
      xrayTracingEnabled: inputs.xrayTracingEnabled.booleanValue,
      dependsOn: [account.account, this.accessLog.logGroup],
    };
  }

  /** Throttling, WAF, decision metrics, alarms and the dashboard of the created API. */
  watch({ restApi, api, authorizer, preTokenGeneration, tokenEndpoint }: WatchedApi): { alarms: OperationsAlarms; dashboard: OperationsDashboard } {
    const { inputs, namePrefix } = this.props;
    new StageThrottling(this, "throttling", {
      restApi: restApi.api,
      stage: restApi.stage,
      routes: api.routes,
      rateLimit: inputs.throttlingRateLimit.numberValue,
      burstLimit: inputs.throttlingBurstLimit.numberValue,
    });
    new StageWebAcl(this, "web-acl", { stage: restApi.stage, webAclArn: inputs.wafWebAclArn.stringValue });
    new DecisionMetricFilters(this, "decision-metrics", { namePrefix, logGroup: authorizer.logGroup });
    new AccessLogMetricFilters(this, "access-log-metrics", { namePrefix, logGroup: this.accessLog.logGroup });
    const watched = {
      namePrefix,
      authorizerFunctionName: authorizer.function.functionName,
      apiName: restApi.api.name,
      stageName: restApi.stage.stageName,
      bindingMismatchThreshold: inputs.bindingMismatchAlarmThreshold.numberValue,
    };
    return {
      alarms: new OperationsAlarms(this, "alarms", { ...watched, alarmTopicArn: inputs.alarmTopicArn.stringValue }),
      dashboard: new OperationsDashboard(this, "dashboard", { ...watched, preTokenGenerationFunctionName: preTokenGeneration.function.functionName, tokenEndpointFunctionName: tokenEndpoint?.function.functionName }),
    };
  }
}
