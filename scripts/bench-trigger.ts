/**
 * `npm run bench` (second part): the pre token generation trigger as it ships (the stack's
 * zip, loaded like `npm run local` loads it), configured from its environment as in Lambda, with
 * the machine-client registry in SSM answered by a loopback SSM stand-in (no AWS account here).
 * Prints: bundle size, network calls for the first machine token (the registry read) and for
 * warm ones (target 0), warm invocation times for a machine token and a user token, and that a
 * changed registry is read again after the 60 s cache (with a stepped clock), and the SSM calls
 * the first token of each of N machine clients costs (one GetParameter each, then none). Figures, not assertions.
 */
import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import { SsmStandIn } from "../__tests__/support/ssm-stand-in";
import { loadLambdaPackage } from "../local/lambda-package";
import { GROUP_SCOPES_FILE } from "../handlers/lib/packaged-data";
import { bundleHandler } from "../stacks/handler-bundle";
import { bundleWithData } from "../stacks/packaged-function-data";
import { countNetworkCalls } from "./network-calls";

const WARMUP = 500;
const SAMPLES = 5000;
const PATH = "/bench/machine-client-bindings/";
const CLIENTS = 500;
const CLIENT_ID = "benchmachineclient00000001";
const USER_X5T = createHash("sha256").update("user certificate").digest("base64url");
const MACHINE_X5T = createHash("sha256").update("machine certificate").digest("base64url");

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const micros = (ns: bigint) => Number(ns) / 1000;

const machineEvent = () => ({
  version: "3", triggerSource: "TokenGeneration_ClientCredentials", region: "eu-west-1", userPoolId: "eu-west-1_Bench0001",
  callerContext: { awsSdkVersion: "aws-sdk-unknown-unknown", clientId: CLIENT_ID },
  request: { userAttributes: {}, groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [], preferredRole: null }, scopes: ["cbat/invoke"] },
  response: { claimsAndScopeOverrideDetails: null },
});
const userEvent = () => ({
  version: "3", triggerSource: "TokenGeneration_Authentication", region: "eu-west-1", userPoolId: "eu-west-1_Bench0001", userName: "alice",
  callerContext: { awsSdkVersion: "aws-sdk-unknown-unknown", clientId: "benchuserclient00000000001" },
  request: { userAttributes: { sub: "6f1e9d5c", "custom:cert_fingerprint": USER_X5T }, groupConfiguration: { groupsToOverride: ["readers"], iamRolesToOverride: [], preferredRole: null }, scopes: ["aws.cognito.signin.user.admin"] },
  response: { claimsAndScopeOverrideDetails: null },
});

async function main() {
  const ssm = new SsmStandIn("eu-west-1");
  const endpoint = await ssm.listen();
  const entry = (clientId: string, x5t: string) => JSON.stringify({ clientId, "x5t#S256": x5t });
  ssm.put(`${PATH}${CLIENT_ID}`, entry(CLIENT_ID, MACHINE_X5T));
  // The Lambda environment: the function's variables, the region and credentials; the endpoint points the SDK at the stand-in.
  Object.assign(process.env, {
    MACHINE_BINDINGS_PATH: PATH, AWS_REGION: "eu-west-1", AWS_ENDPOINT_URL_SSM: endpoint,
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  });
  // The package as the stack builds it: the bundle with its group table next to index.js.
  const bundle = bundleWithData(bundleHandler("pre-token-generation"), { [GROUP_SCOPES_FILE]: { readers: ["cbat/read"] } });
  const network = countNetworkCalls();
  // Extracted under the project, so the SDK the bundle leaves out resolves as the Lambda runtime provides it.
  const trigger = loadLambdaPackage<typeof import("../handlers/pre-token-generation")>(
    { functionName: "bench-pre-token-generation", zipPath: bundle.zipFile, environment: {} },
    join(resolve(__dirname, ".."), "cdktf.out", "bench"),
  );

  const start = process.hrtime.bigint();
  const first = await trigger.handler(machineEvent());
  const firstMs = micros(process.hrtime.bigint() - start) / 1000;
  if ((first.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride?.cnf as Record<string, string>)?.["x5t#S256"] !== MACHINE_X5T) throw new Error("bench machine token was not bound");
  const coldCalls = network.count();

  for (let i = 0; i < WARMUP; i++) await trigger.handler(machineEvent());
  const beforeWarm = network.count();
  const machine: number[] = [];
  const user: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    let t = process.hrtime.bigint();
    await trigger.handler(machineEvent());
    machine.push(micros(process.hrtime.bigint() - t));
    t = process.hrtime.bigint();
    await trigger.handler(userEvent());
    user.push(micros(process.hrtime.bigint() - t));
  }
  const warmCalls = network.count() - beforeWarm;

  // The 60 s cache with a stepped clock: the same code the Lambda entry uses, through the bundle's factory.
  let clock = 0;
  const stepped = trigger.createPreTokenGenerationHandler({ machineBindings: trigger.ssmMachineBindings({ parameterPath: PATH, endpoint, now: () => clock }) });
  const read = async () => {
    const before = ssm.calls;
    const result = await stepped(machineEvent());
    return { calls: ssm.calls - before, x5t: (result.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride?.cnf as Record<string, string>)["x5t#S256"] };
  };
  await read();
  const rotated = createHash("sha256").update("rotated machine certificate").digest("base64url");
  ssm.put(`${PATH}${CLIENT_ID}`, entry(CLIENT_ID, rotated));
  clock = 59_999;
  const within = await read();
  clock = 60_000;
  const after = await read();

  // N clients, one trigger container: the first token of each reads that client's entry only.
  const ids = Array.from({ length: CLIENTS }, (_, i) => `benchclient${String(i).padStart(15, "0")}`);
  for (const id of ids) ssm.put(`${PATH}${id}`, entry(id, MACHINE_X5T));
  const many = trigger.createPreTokenGenerationHandler({ machineBindings: trigger.ssmMachineBindings({ parameterPath: PATH, endpoint }) });
  const manyEvent = (clientId: string) => ({ ...machineEvent(), callerContext: { awsSdkVersion: "aws-sdk-unknown-unknown", clientId } });
  let before = ssm.calls;
  for (const id of ids) await many(manyEvent(id));
  const firstOfEach = ssm.calls - before;
  before = ssm.calls;
  for (const id of ids) await many(manyEvent(id));
  const secondOfEach = ssm.calls - before;
  await ssm.close();

  const rows: Array<[string, string, string]> = [
    ["bundle size (zip as shipped)", `${(statSync(bundle.zipFile).size / 1024).toFixed(1)} KB`, ""],
    ["first machine token: network calls", `${coldCalls} (${firstMs.toFixed(1)} ms, SDK load + GetParameter)`, "1"],
    ["network calls once warm (machine + user tokens)", `${warmCalls} in ${2 * SAMPLES} invocations`, "0"],
    ["warm invocation, machine token", `${median(machine).toFixed(1)} µs (median of ${SAMPLES})`, ""],
    ["warm invocation, user token (with group scopes)", `${median(user).toFixed(1)} µs (median of ${SAMPLES})`, ""],
    ["registry changed, 59.999 s later", `${within.calls} calls, ${within.x5t === rotated ? "new" : "old"} binding`, "0, old"],
    ["registry changed, 60 s later", `${after.calls} call, ${after.x5t === rotated ? "new" : "old"} binding`, "1, new"],
    [`first token of each of ${CLIENTS} clients: SSM calls`, `${firstOfEach}`, `${CLIENTS}`],
    [`second token of each of ${CLIENTS} clients: SSM calls`, `${secondOfEach}`, "0"],
  ];
  console.info(`pre token generation trigger benchmark (node ${process.version})`);
  for (const [name, value, target] of rows) console.info(`  ${name.padEnd(48)} ${value.padEnd(44)} ${target && `target ${target}`}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
