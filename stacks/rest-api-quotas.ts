/**
 * The REST API quotas an API document can reach, checked at synth (AWS_QUOTAS):
 * - resources per API (300 by default, raisable: `api.quotas.resourcesPerApi`): one
 *   `aws_api_gateway_resource` per distinct path prefix, the root excluded;
 * - authorizers (10) and stages (10) per API: the stack creates one of each, whatever the document;
 * - gateway responses: the stack sets two types (UNAUTHORIZED, ACCESS_DENIED), one each.
 * AWS's REST API table has no quota on methods or integrations per API.
 */
import type { ApiDefinition } from "./api-document";
import { quotaMessage } from "./aws-quotas";
import { DeploymentConfigError } from "./deployment-config-error";
import { DEFAULT_QUOTA_SETTINGS, type QuotaSettings } from "./quota-settings";

/** The paths API Gateway holds a resource for: every prefix of every route's path, "/" excluded. */
export function apiResourcePaths(api: Pick<ApiDefinition, "routes">): string[] {
  const paths = new Set<string>();
  for (const route of api.routes) {
    const segments = route.path.split("/").filter(Boolean);
    for (let n = 1; n <= segments.length; n++) paths.add(`/${segments.slice(0, n).join("/")}`);
  }
  return [...paths];
}

/** Refuses a document whose resources exceed the account's quota, with the count and the quota. */
export function checkRestApiQuotas(api: ApiDefinition, quotas: QuotaSettings = DEFAULT_QUOTA_SETTINGS): void {
  const resources = apiResourcePaths(api).length;
  if (resources > quotas.resourcesPerApi) {
    const deepest = [...api.routes].sort((a, b) => b.path.split("/").length - a.path.split("/").length)[0];
    throw new DeploymentConfigError("api.openapi", quotaMessage(
      "resourcesPerApi",
      `${api.source}: ${api.routes.length} operations make ${resources} REST API resources (one per path segment, e.g. ${deepest.path} alone makes ${deepest.path.split("/").filter(Boolean).length})`,
      resources,
      quotas.resourcesPerApi,
    ));
  }
}
