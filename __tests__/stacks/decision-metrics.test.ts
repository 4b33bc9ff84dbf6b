/**
 * The authorizer's real decision lines through the stack's synthesized metric filters: which
 * metrics each line publishes, that every deny reason of handlers/lib/errors.ts gets its own
 * dimension value, and that every alarm on the decisions watches a metric real lines publish.
 * Real tokens, real certificates, the real authorizer; CloudWatch Logs' pattern matching is the
 * stand-in of support/metric-filter.ts.
 */
import { createHash } from "node:crypto";
import { Testing } from "cdktf";
import { createAuthorizer, type AuthorizerHandler } from "../../handlers/authorizer";
import { logDecision } from "../../handlers/lib/decision-log";
import { DENY_REASONS } from "../../handlers/lib/errors";
import { CertBoundApiStack } from "../../stacks/cert-bound-api-stack";
import { STACK_NAME } from "../../stacks/stack-name";
import { createCa, issueClientCert, type IssuedCertificate } from "../support/certificates";
import { requestAuthorizerEvent } from "../support/events";
import { publishedBy, type PlannedMetricFilter, type PublishedMetric } from "../support/metric-filter";
import { accessTokenClaims, CLIENT_ID, createSigningKey, jwksOf, signJwt, USER_POOL_ID, type SigningKey } from "../support/tokens";

let json: any;
let filters: PlannedMetricFilter[];
let key: SigningKey;
let certA: IssuedCertificate;
let certB: IssuedCertificate;
/** Reason → the real line the authorizer wrote for it. */
const lines = new Map<string, string>();

const x5t = (cert: IssuedCertificate) => createHash("sha256").update(cert.der).digest("base64url");
const metricId = (m: Pick<PublishedMetric, "namespace" | "metricName" | "dimensions">) => `${m.namespace} ${m.metricName} ${JSON.stringify(Object.entries(m.dimensions).sort())}`;
const publishedFor = (line: string) => filters.map((f) => publishedBy(f, line)).filter((m): m is PublishedMetric => m !== undefined);

beforeAll(async () => {
  json = JSON.parse(Testing.synth(new CertBoundApiStack(Testing.app(), STACK_NAME)));
  filters = Object.values<any>(json.resource.aws_cloudwatch_log_metric_filter).map((f) => ({ pattern: f.pattern, metric_transformation: [f.metric_transformation].flat() }));

  key = createSigningKey();
  const ca = await createCa();
  certA = await issueClientCert(ca, "CN=metrics-a,O=cbat tests");
  certB = await issueClientCert(ca, "CN=metrics-b,O=cbat tests");
  const written: string[] = [];
  const authorizer = (routeScopes?: Record<string, string[]>): AuthorizerHandler =>
    createAuthorizer({ userPoolId: USER_POOL_ID, clientId: CLIENT_ID, jwks: jwksOf(key), routeScopes, decisionLog: (line) => void written.push(line) });
  const token = (cert: IssuedCertificate, claims: Record<string, unknown> = {}) => signJwt(key, accessTokenClaims({ cnf: { "x5t#S256": x5t(cert) }, ...claims }));
  const run = async (reason: string, authorize: AuthorizerHandler, event: Record<string, any>) => {
    written.length = 0;
    await authorize(event).catch(() => undefined);
    expect(written).toHaveLength(1);
    expect(JSON.parse(written[0]).reason).toBe(reason);
    lines.set(reason, written[0]);
  };
  const bindingOnly = authorizer();
  await run("cert_bound", bindingOnly, requestAuthorizerEvent({ authorization: `Bearer ${token(certA)}`, certPem: certA.pem }));
  await run("cnf_mismatch", bindingOnly, requestAuthorizerEvent({ authorization: `Bearer ${token(certA)}`, certPem: certB.pem }));
  await run("token_expired", bindingOnly, requestAuthorizerEvent({ authorization: `Bearer ${token(certA, { exp: Math.floor(Date.now() / 1000) - 60 })}`, certPem: certA.pem }));
  await run("token_invalid", bindingOnly, requestAuthorizerEvent({ authorization: `Bearer ${signJwt(createSigningKey(), accessTokenClaims({ cnf: { "x5t#S256": x5t(certA) } }))}`, certPem: certA.pem }));
  await run("missing_token", bindingOnly, requestAuthorizerEvent({ certPem: certA.pem }));
  await run("cert_missing", bindingOnly, requestAuthorizerEvent({ authorization: `Bearer ${token(certA)}`, certPem: null }));
  await run("insufficient_scope", authorizer({ "GET /example": ["accounts/write"] }), requestAuthorizerEvent({ authorization: `Bearer ${token(certA)}`, certPem: certA.pem }));
  await run("route_unknown", authorizer({ "GET /other": [] }), requestAuthorizerEvent({ authorization: `Bearer ${token(certA)}`, certPem: certA.pem }));
  // config_error as the Lambda entry point writes it when its configuration is invalid (handlers/authorizer.ts).
  written.length = 0;
  logDecision({ decision: "Deny", reason: "config_error", requestId: "req-config" }, (line) => void written.push(line));
  lines.set("config_error", written[0]);
  const exploding = requestAuthorizerEvent({ authorization: `Bearer ${token(certA)}`, certPem: certA.pem });
  Object.defineProperty(exploding, "headers", { get: () => { throw new Error("unexpected"); } });
  await run("internal_error", bindingOnly, exploding);
});

it("turns an Allow line into Allow, and a Deny line into Deny in total and Deny by its reason", () => {
  expect(publishedFor(lines.get("cert_bound")!)).toEqual([{ namespace: "CertBoundApi", metricName: "Allow", dimensions: {}, value: 1 }]);
  for (const [reason, line] of lines) {
    if (reason === "cert_bound") continue;
    expect(publishedFor(line).map(metricId).sort()).toEqual([
      metricId({ namespace: "CertBoundApi", metricName: "Deny", dimensions: {} }),
      metricId({ namespace: "CertBoundApi", metricName: "Deny", dimensions: { Reason: reason } }),
    ].sort());
  }
});

it("gives every deny reason of handlers/lib/errors.ts its own dimension value", () => {
  for (const reason of DENY_REASONS) {
    const written: string[] = [];
    logDecision({ decision: "Deny", reason, requestId: "req-1", sub: "sub-1" }, (line) => void written.push(line));
    expect(publishedFor(written[0])).toContainEqual({ namespace: "CertBoundApi", metricName: "Deny", dimensions: { Reason: reason }, value: 1 });
  }
});

it("publishes nothing for Lambda's own lines, nor for a decision line prefixed as console.log writes it in Lambda", () => {
  const prefixed = `2026-11-25T10:00:00.000Z\tc6af9ac6-7b61-11e6-9a41-93e8deadbeef\tWARN\t${lines.get("cnf_mismatch")}`;
  for (const line of ["START RequestId: c6af9ac6 Version: $LATEST", "REPORT RequestId: c6af9ac6\tDuration: 2.1 ms", prefixed]) {
    expect(publishedFor(line)).toEqual([]);
  }
});

it("alarms only on metrics that real decision lines publish (names, namespace and dimensions from one definition)", () => {
  const published = new Set([...lines.values()].flatMap(publishedFor).map(metricId));
  const alarms = Object.values<any>(json.resource.aws_cloudwatch_metric_alarm);
  const watched = alarms.flatMap((alarm) => [
    ...(alarm.metric_name ? [{ namespace: alarm.namespace, metricName: alarm.metric_name, dimensions: alarm.dimensions ?? {} }] : []),
    ...(alarm.metric_query ?? []).filter((q: any) => q.metric).map((q: any) => ({ namespace: q.metric.namespace, metricName: q.metric.metric_name, dimensions: q.metric.dimensions ?? {} })),
  ]).filter((m) => m.namespace === "CertBoundApi");
  expect(watched.map(metricId).sort()).toEqual([
    metricId({ namespace: "CertBoundApi", metricName: "Deny", dimensions: {} }),
    metricId({ namespace: "CertBoundApi", metricName: "Deny", dimensions: { Reason: "cnf_mismatch" } }),
    metricId({ namespace: "CertBoundApi", metricName: "Deny", dimensions: { Reason: "config_error" } }),
    metricId({ namespace: "CertBoundApi", metricName: "Deny", dimensions: { Reason: "insufficient_scope" } }),
    metricId({ namespace: "CertBoundApi", metricName: "Deny", dimensions: { Reason: "internal_error" } }),
    metricId({ namespace: "CertBoundApi", metricName: "Deny", dimensions: { Reason: "route_unknown" } }),
  ].sort());
  for (const metric of watched) expect(published).toContain(metricId(metric));
});
