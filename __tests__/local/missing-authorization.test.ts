/**
 * A request without a usable `Authorization` header, as AWS answers it: API Gateway requires the
 * REQUEST authorizer's identity source to be present and non-empty and answers 401 UNAUTHORIZED
 * itself otherwise, without calling the authorizer ("not set, are null, or are empty": developer
 * guide, "Call an API with an API Gateway Lambda authorizer"). A header of only spaces or tabs is
 * empty: RFC 9110 §5.5 excludes the whitespace around a field value, and the local gateway's HTTP
 * parser strips it as API Gateway's does. "Bearer" with nothing after it is a value: the
 * authorizer runs and refuses it (missing_token). Real TLS with raw request bytes (so the header
 * is sent exactly as written), the real authorizer bundle, and the stack's real metric filter from
 * an offline Terraform plan, matched against the access log lines the local gateway wrote.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:tls";
import { startLocalEnvironment, type LocalEnvironment } from "../../local/local-environment";
import { MISSING_AUTHORIZATION_LABEL } from "../../stacks/access-log-match";
import { STACK_NAME } from "../../stacks/stack-name";
import { publishedBy, type PlannedMetricFilter } from "../support/metric-filter";
import { runCli } from "../support/run-cli";
import { assertTerraformAvailable, OfflineTerraform, synthApp, TEST_TFVARS, type PlanJson, type PlannedResource } from "../support/terraform";

/** Header lines as sent (after the request line and Host), and whether API Gateway calls the authorizer. */
const CASES = {
  "no header": { header: "", authorizerCalled: false },
  "empty header": { header: "Authorization:\r\n", authorizerCalled: false },
  "only spaces": { header: "Authorization:    \r\n", authorizerCalled: false },
  "only a tab": { header: "Authorization: \t\r\n", authorizerCalled: false },
  "Bearer alone": { header: "Authorization: Bearer\r\n", authorizerCalled: true },
  "Bearer and spaces": { header: "Authorization: Bearer   \r\n", authorizerCalled: true },
  "not a token": { header: "Authorization: Bearer not-a-jwt\r\n", authorizerCalled: true },
} as const;
type Case = keyof typeof CASES;

interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

let env: LocalEnvironment;
let dir: string;
let plan: PlanJson;
const answers = new Map<Case, RawAnswer>();

/** One HTTP/1.1 request over mutual TLS, written byte for byte. */
function rawRequest(headerLines: string): Promise<RawAnswer> {
  const url = new URL(env.summary.gatewayUrl);
  const pki = env.summary.pki;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port), ca: readFileSync(pki.ca), cert: readFileSync(pki.client), key: readFileSync(pki.clientKey) }, () => {
      socket.end(`GET /example HTTP/1.1\r\nHost: ${url.host}\r\n${headerLines}Connection: close\r\n\r\n`);
    });
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk) => (text += chunk));
    socket.on("error", reject);
    socket.on("end", () => {
      const [head, body = ""] = text.split("\r\n\r\n");
      const [statusLine, ...lines] = head.split("\r\n");
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]));
      resolve({ status: Number(statusLine.split(" ")[1]), headers, body: headers["transfer-encoding"] === "chunked" ? unchunked(body) : body });
    });
  });
}

/** A chunked body's data (RFC 9112 §7.1): size line, data, until the chunk of size 0. */
function unchunked(body: string): string {
  let data = "";
  for (let rest = body; ;) {
    const size = parseInt(rest, 16);
    if (!(size > 0)) return data;
    const start = rest.indexOf("\r\n") + 2;
    data += rest.slice(start, start + size);
    rest = rest.slice(start + size + 2);
  }
}

const accessLines = (): Record<string, string>[] => readFileSync(env.logs.access, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line));
const decisionLines = (): Record<string, string>[] => readFileSync(env.logs.authorizer, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line));
const accessLineOf = (name: Case) => accessLines().find((line) => line.requestId === answers.get(name)!.headers["x-amzn-requestid"])!;
const resources = (type: string): PlannedResource[] => (plan.planned_values.root_module.resources ?? []).filter((r) => r.type === type);

beforeAll(async () => {
  jest.spyOn(console, "log").mockImplementation(() => undefined); // the decision lines on the terminal
  assertTerraformAvailable();
  const terraform = new OfflineTerraform(join(synthApp(), "stacks", STACK_NAME));
  terraform.ok("init", "-input=false");
  plan = terraform.planJson(terraform.writeVars("test.tfvars.json", TEST_TFVARS));

  dir = mkdtempSync(join(tmpdir(), "cbat-missing-auth-"));
  env = await startLocalEnvironment({ dir, issuerPort: 0, gatewayPort: 0 });
  for (const [name, { header }] of Object.entries(CASES) as [Case, (typeof CASES)[Case]][]) answers.set(name, await rawRequest(header));
}, 300_000);

afterAll(async () => {
  await env?.close();
  jest.restoreAllMocks();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it("answers every case 401 with the stage's UNAUTHORIZED gateway response", () => {
  for (const [name, answer] of answers) {
    expect({ name, status: answer.status, body: answer.body, wwwAuthenticate: answer.headers["www-authenticate"] })
      .toEqual({ name, status: 401, body: '{"message":"Unauthorized"}', wwwAuthenticate: 'Bearer error="invalid_token"' });
  }
});

it("calls the authorizer only when the header has a value: no decision line, no authorizer status for the rest", () => {
  const decided = new Map(decisionLines().map((line) => [line.requestId, line.reason]));
  for (const [name, { authorizerCalled }] of Object.entries(CASES) as [Case, (typeof CASES)[Case]][]) {
    const line = accessLineOf(name);
    expect({ name, status: line.status, errorResponseType: line.errorResponseType }).toEqual({ name, status: "401", errorResponseType: "UNAUTHORIZED" });
    if (authorizerCalled) {
      expect({ name, authorizerStatus: line.authorizerStatus, decided: decided.has(line.requestId) }).toEqual({ name, authorizerStatus: "401", decided: true });
    } else {
      expect({ name, authorizerStatus: line.authorizerStatus, authorizerLatency: line.authorizerLatency, decided: decided.has(line.requestId) })
        .toEqual({ name, authorizerStatus: "-", authorizerLatency: "-", decided: false });
    }
  }
  expect(decided.get(accessLineOf("Bearer alone").requestId)).toBe("missing_token");
  expect(decided.get(accessLineOf("Bearer and spaces").requestId)).toBe("missing_token");
  expect(decided.get(accessLineOf("not a token").requestId)).toBe("token_invalid");
});

it("the planned metric filter on the stage's access log counts exactly the requests the authorizer never saw", () => {
  const stage = resources("aws_api_gateway_stage")[0].values;
  const accessLogGroup = resources("aws_cloudwatch_log_group").find((g) => g.values.name === `/aws/apigateway/${STACK_NAME}/access`)!.values;
  // One format: the lines above were rendered from the locally synthesized stage's format, the same as the plan's.
  const localStage = Object.values<any>(JSON.parse(readFileSync(join(dir, "cdktf.out", "stacks", STACK_NAME, "cdk.tf.json"), "utf8")).resource.aws_api_gateway_stage)[0];
  expect(localStage.access_log_settings.format).toBe(stage.access_log_settings[0].format);

  const onAccessLog: PlannedMetricFilter[] = resources("aws_cloudwatch_log_metric_filter")
    .filter((f) => f.values.log_group_name === accessLogGroup.name)
    .map((f) => ({ pattern: f.values.pattern, metric_transformation: f.values.metric_transformation }));
  expect(onAccessLog).toHaveLength(1);
  for (const [name, { authorizerCalled }] of Object.entries(CASES) as [Case, (typeof CASES)[Case]][]) {
    const published = publishedBy(onAccessLog[0], JSON.stringify(accessLineOf(name)));
    expect({ name, published }).toEqual({ name, published: authorizerCalled ? undefined : { namespace: "CertBoundApi", metricName: "MissingAuthorization", dimensions: {}, value: 1 } });
  }
});

it("draws that metric next to missing_token, with the words cbat decisions prints on its line", async () => {
  const body = JSON.parse(resources("aws_cloudwatch_dashboard")[0].values.dashboard_body);
  const decisions = body.widgets.find((w: any) => /^Authorizer decisions by reason/.test(w.properties?.title ?? "")).properties.metrics as unknown[][];
  const at = decisions.findIndex((line) => line.includes("missing_token"));
  expect(decisions[at + 1]).toEqual(["CertBoundApi", "MissingAuthorization", { stat: "Sum", label: MISSING_AUTHORIZATION_LABEL }]);
  expect((decisions[at].at(-1) as { label: string }).label).toMatch(/never a missing or empty header on AWS/);

  const report = await runCli(["decisions", "--dir", dir, "--minutes", "5"]);
  expect(report.code).toBe(0);
  const missing = Object.values(CASES).filter((c) => !c.authorizerCalled).length;
  expect(report.stdout).toContain(`  UNAUTHORIZED                  ${String(missing).padStart(6)}   ${MISSING_AUTHORIZATION_LABEL}\n`);
  expect(report.stdout).toMatch(/^ {2}Deny {3}missing_token +2$/m);
  expect(env.tally.summaryLine()).toContain(`refused before the authorizer: ${missing} (UNAUTHORIZED ${missing})`);
});
