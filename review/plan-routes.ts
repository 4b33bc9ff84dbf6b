/**
 * The API's routes as a plan reviewer needs them: each route's required scopes and backend,
 * from the stack's `api_routes` output (written by stacks/api-document.ts at synth), with
 * what this plan adds, removes or changes. A route that needs no scope is flagged: the
 * binding alone then decides who may call it.
 */
type Json = any; // terraform's plan JSON; every read below is checked

export interface PlannedRoute {
  readonly route: string;
  readonly scopes: readonly string[];
  readonly backend: string;
  readonly change: "new" | "added" | "changed" | "removed" | "unchanged";
}

/** The output the stack writes; its value is known at plan time (static JSON). */
export const ROUTES_OUTPUT = "api_routes";

export function plannedRoutes(plan: Json): PlannedRoute[] | undefined {
  const after = routesOf(plan?.planned_values?.outputs?.[ROUTES_OUTPUT]?.value);
  if (!after) return undefined;
  const change = plan?.output_changes?.[ROUTES_OUTPUT];
  // No prior value: a first deployment (or a plan made without state), everything is new.
  const before = change && Array.isArray(change.actions) && !change.actions.includes("create") ? routesOf(change.before) : undefined;
  const keys = [...new Set([...Object.keys(after), ...Object.keys(before ?? {})])].sort(byPathThenMethod);
  return keys.map((route) => {
    const now = after[route];
    const was = before?.[route];
    const shown = now ?? was!;
    const state = !before ? "new" : !was ? "added" : !now ? "removed" : JSON.stringify(was) === JSON.stringify(now) ? "unchanged" : "changed";
    return { route, scopes: shown.scopes, backend: shown.backend, change: state };
  });
}

/**
 * `deploymentAddress`: the plan's aws_api_gateway_deployment, named in the note a removed route
 * gets (one apply leaves it routed: docs/operations.md, "Removing a route").
 */
export function routesMarkdown(routes: readonly PlannedRoute[], escapeCell: (text: string) => string, deploymentAddress?: string): string[] {
  const lines = ["### Routes", "", "| route | required scopes | backend | change |", "| --- | --- | --- | --- |"];
  for (const r of routes) {
    const scopes = r.scopes.length > 0 ? r.scopes.map((s) => `\`${escapeCell(s)}\``).join(" ") : "⚠️ none (binding only)";
    const flag = r.change === "added" || r.change === "changed" || r.change === "removed" ? "⚠️ " : "";
    lines.push(`| \`${escapeCell(r.route)}\` | ${scopes} | ${escapeCell(r.backend)} | ${flag}${r.change} |`);
  }
  if (routes.some((r) => r.change === "removed")) {
    const replace = deploymentAddress ? `\`-replace='${deploymentAddress}'\`` : "`-replace=` on the API's aws_api_gateway_deployment";
    lines.push("", `⚠️ A removed route stays routed by the stage until the next deployment (the authorizer answers it 403 \`route_unknown\`): after this apply, apply again with ${replace} (docs/operations.md, *Removing a route*).`);
  }
  return [...lines, ""];
}

/** The address of the plan's one API deployment, if it has exactly one. */
export function deploymentAddressOf(plan: Json): string | undefined {
  const deployments = (Array.isArray(plan?.resource_changes) ? plan.resource_changes : []).filter((c: Json) => c?.mode === "managed" && c?.type === "aws_api_gateway_deployment");
  return deployments.length === 1 && typeof deployments[0].address === "string" ? deployments[0].address : undefined;
}

function routesOf(value: unknown): Record<string, { scopes: string[]; backend: string }> | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const routes: Record<string, { scopes: string[]; backend: string }> = {};
  for (const [route, entry] of Object.entries(value as Record<string, Json>)) {
    const scopes = Array.isArray(entry?.scopes) ? entry.scopes.filter((s: unknown) => typeof s === "string") : [];
    routes[route] = { scopes, backend: typeof entry?.backend === "string" ? entry.backend : "(unknown)" };
  }
  return routes;
}

function byPathThenMethod(a: string, b: string): number {
  const [methodA, pathA = ""] = a.split(" ");
  const [methodB, pathB = ""] = b.split(" ");
  return pathA === pathB ? methodA.localeCompare(methodB) : pathA < pathB ? -1 : 1;
}
