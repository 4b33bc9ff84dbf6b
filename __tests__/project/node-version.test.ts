/**
 * Supported Node versions, stated once and kept in step (.nvmrc, engines, the workflow, the
 * README, the Lambda runtime), and clean output on them: the AWS SDK's notice about its
 * future Node requirement is silenced in cbat, narrowly, while every other warning prints.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { CognitoIssuer } from "../../local/cognito-issuer";
import { LAMBDA_RUNTIME } from "../../stacks/handler-bundle";
import { runCli } from "../support/run-cli";
import { PROJECT_ROOT } from "../support/terraform";

const read = (path: string) => readFileSync(join(PROJECT_ROOT, path), "utf8");

it("states one development Node version, and the README names it and the Lambda runtime's", () => {
  const nvmrc = read(".nvmrc").trim();
  expect(nvmrc).toMatch(/^\d+$/);
  const engines = JSON.parse(read("package.json")).engines.node as string;
  expect(Number(/^>=(\d+)$/.exec(engines)?.[1])).toBeLessThanOrEqual(Number(nvmrc));
  const workflow = parse(read(".github/workflows/plan.yml"));
  const setupNode = Object.values<any>(workflow.jobs).flatMap((job) => job.steps).find((step) => String(step.uses).startsWith("actions/setup-node@"));
  expect(setupNode.with).toMatchObject({ "node-version-file": ".nvmrc" });
  expect(setupNode.with["node-version"]).toBeUndefined();
  const lambdaMajor = /^nodejs(\d+)\.x$/.exec(LAMBDA_RUNTIME)![1];
  const section = read("README.md").split("### Supported Node versions")[1]?.split("\n## ")[0] ?? "";
  expect(section).toContain(`**Node ${nvmrc}**`);
  expect(section).toContain(`**Node ${lambdaMajor}**`);
  expect(section).toContain(LAMBDA_RUNTIME);
});

describe("cbat output on this Node", () => {
  let issuer: CognitoIssuer;
  let endpoint: string;
  const sdkWarnsHere = Number(process.versions.node.split(".")[0]) < 22;
  const token = (env: Record<string, string> = {}) =>
    runCli(["token", "--user-pool-id", "eu-west-1_nodeTest", "--client-id", "nodeclient", "--endpoint", endpoint, "--username", "nobody"], { CBAT_PASSWORD: "Node-Test-1-Pass", ...env });

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "cbat-node-"));
    issuer = new CognitoIssuer({ region: "eu-west-1", userPoolId: "eu-west-1_nodeTest", clientId: "nodeclient", usersFile: join(dir, "users.json"), signingKeyFile: join(dir, "key.pem") });
    endpoint = await issuer.listen(0);
  });
  afterAll(() => issuer?.close());

  it("has no NodeVersionSupportWarning: one line, Cognito's answer", async () => {
    const result = await token({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "" });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("cbat: Cognito refused: NotAuthorizedException: Incorrect username or password.\n");
  });

  it("shows the notice when the user asks for it", async () => {
    const result = await token({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "false" });
    expect(result.stderr.includes("NodeVersionSupportWarning")).toBe(sdkWarnsHere);
  });

  it("still prints every other warning", async () => {
    const emitter = join(mkdtempSync(join(tmpdir(), "cbat-warning-")), "warn.js");
    writeFileSync(emitter, 'process.emitWarning("a real warning from cbat-test", "ExperimentalWarning");\n');
    const result = await token({ NODE_OPTIONS: `--require ${emitter}` });
    expect(result.stderr).toContain("ExperimentalWarning: a real warning from cbat-test");
    expect(result.stderr).not.toContain("NodeVersionSupportWarning");
  });
});
