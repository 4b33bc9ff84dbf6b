/**
 * Throttling on every method of the stage (method path star-slash-star), and per operation where the API document
 * sets `x-cbat-throttle`. Every request runs the authorizer Lambda: without a limit, one holder
 * of a trusted certificate could use up the account's Lambda concurrency.
 */
import { Construct } from "constructs";
import { ApiGatewayMethodSettings, type ApiGatewayMethodSettingsSettings } from "@cdktf/provider-aws/lib/api-gateway-method-settings";
import type { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import type { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage";
import { routeKey, type ApiRoute } from "./api-document";
import { methodPathOf } from "./api-throttle";

/** The stage-wide method path: every method without a setting of its own inherits it. */
export const ALL_METHODS = "*/*";

export interface StageThrottlingProps {
  readonly restApi: ApiGatewayRestApi;
  readonly stage: ApiGatewayStage;
  readonly routes: readonly ApiRoute[];
  /** Terraform expressions allowed (the throttling_* variables). */
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export class StageThrottling extends Construct {
  /** Method path → its settings resource; the stage-wide one first. */
  readonly settings = new Map<string, ApiGatewayMethodSettings>();

  constructor(scope: Construct, id: string, props: StageThrottlingProps) {
    super(scope, id);
    this.add("all", ALL_METHODS, props, { throttlingRateLimit: props.rateLimit, throttlingBurstLimit: props.burstLimit });
    for (const route of props.routes) {
      if (!route.throttle) continue;
      const base = routeKey(route).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
      let name = base;
      for (let n = 2; this.node.tryFindChild(name); n++) name = `${base}-${n}`; // "/a/{id}" and "/a/id" read alike
      this.add(name, methodPathOf(route), props, { throttlingRateLimit: route.throttle.rateLimit, throttlingBurstLimit: route.throttle.burstLimit });
    }
  }

  private add(id: string, methodPath: string, props: StageThrottlingProps, limits: Pick<ApiGatewayMethodSettingsSettings, "throttlingRateLimit" | "throttlingBurstLimit">): void {
    this.settings.set(methodPath, new ApiGatewayMethodSettings(this, id, {
      restApiId: props.restApi.id,
      stageName: props.stage.stageName,
      methodPath,
      settings: {
        ...limits,
        // Execution logs stay off: at INFO with data tracing they would record request headers, tokens included.
        loggingLevel: "OFF",
        dataTraceEnabled: false,
        // Per-method metrics cost per method; the stage's own metrics (used by the alarms) are always published.
        metricsEnabled: false,
      },
    }));
  }
}
