/**
 * Backend hosts API Gateway in AWS cannot reach. An HTTP integration's request leaves API
 * Gateway over the internet (connectionType INTERNET), so a literal host on this machine's
 * loopback, a link-local address or a private range is either unreachable or, worse, someone
 * else's network: such a URI is a leftover of a local try, refused at synth for AWS. `npm run
 * local` synthesizes with `localRun` and accepts them (stacks/local-integrations.ts).
 *
 * Only literal hosts are judged (IP addresses, `localhost`, `*.localhost`): a DNS name that
 * resolves to a private address cannot be seen offline.
 */
import type { ApiDefinition, ApiRoute } from "./api-document";
import { DeploymentConfigError } from "./deployment-config-error";
import { localHostKind } from "./host-ranges";

/**
 * Refuses, for a stack bound for AWS, every HTTP integration whose literal host AWS cannot reach.
 * A VPC link integration reaches its load balancer whatever the host (the URI's host only sets
 * the Host header and TLS server name), so private ranges pass there; loopback never does.
 */
export function checkReachableBackends(api: ApiDefinition): void {
  for (const route of api.routes) {
    if (route.backend.kind !== "integration") continue;
    const { type, uri, connectionType } = route.backend.integration;
    if ((type !== "HTTP" && type !== "HTTP_PROXY") || !uri) continue;
    const kind = localHostKind(new URL(uri).hostname);
    if (!kind || (connectionType === "VPC_LINK" && (kind === "private" || kind === "shared (CGNAT)"))) continue;
    throw new DeploymentConfigError("api.openapi", `${api.source}: ${routeLabel(route)}: x-amazon-apigateway-integration uri ${JSON.stringify(uri)} has a ${kind} host, which API Gateway in AWS cannot reach. ` +
      `Put your backend's public https:// URL in the document, and the local one under api.localIntegrations in cbat.config.json ({"${route.operationId ?? `${route.method} ${route.path}`}": ${JSON.stringify(uri)}}): npm run local calls that one, AWS the document's`);
  }
}

/** `GET /accounts/{id} (getAccount)`: the route and its operationId, as errors name them. */
export function routeLabel(route: Pick<ApiRoute, "method" | "path" | "operationId">): string {
  return `${route.method} ${route.path}${route.operationId ? ` (${route.operationId})` : ""}`;
}
