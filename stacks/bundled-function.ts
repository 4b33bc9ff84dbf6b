/**
 * A Lambda function built from one bundle of `handlers/`, with its own log group and
 * its own role that can do nothing but write to that log group.
 */
import { Construct } from "constructs";
import { AssetType, TerraformAsset, type IResolvable } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import type { ZipEntry } from "./deterministic-zip";
import { xrayTracing } from "./function-tracing";
import { checkFunctionEnvironment } from "./function-environment";
import { bundleHandler, LAMBDA_RUNTIME } from "./handler-bundle";
import { bundleWithData } from "./packaged-function-data";

export interface BundledFunctionProps {
  /** Handler file in `handlersDir`, without `.ts` (e.g. `authorizer`). */
  readonly handlerName: string;
  /**
   * Folder (absolute) of a team's own handler sources, bundled at synth.
   * @default the package's handlers (authorizer, pre-token-generation, example), prebuilt
   */
  readonly handlersDir?: string;
  /** Files added to the Lambda package next to index.js (e.g. per-stack data). @default none */
  readonly extraFiles?: readonly ZipEntry[];
  /** Lambda function name; also names the role and the log group. */
  readonly functionName: string;
  readonly description: string;
  /** Log retention in days (Terraform expression allowed). */
  readonly logRetentionDays: number;
  /** Environment variables of the function (NODE_OPTIONS is set to enable source maps). @default none */
  readonly environment?: Readonly<Record<string, string>>;
  /** What values known only at apply add to the environment beyond one reference each (function-environment.ts). @default 0 */
  readonly unresolvedEnvironmentBytes?: number;
  /** JSON files added to the zip next to index.js (packaged-function-data.ts), e.g. the route table. @default none */
  readonly packagedData?: Readonly<Record<string, unknown>>;
  /** @default 10 */
  readonly timeoutSeconds?: number;
  /** @default 256 */
  readonly memorySize?: number;
  /** Reserved concurrent executions (Terraform expression; null = unreserved). @default unreserved */
  readonly reservedConcurrentExecutions?: number;
  /** Terraform bool: trace with AWS X-Ray (see function-tracing.ts). @default no tracing_config */
  readonly xrayTracingEnabled?: boolean | IResolvable;
  /**
   * What the role may do besides writing its logs, granted elsewhere (for its description).
   * @default nothing else
   */
  readonly otherPermissions?: string;
}

export class BundledFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: BundledFunctionProps) {
    super(scope, id);
    // 59, not Lambda's 64: the role is named after the function with "-role", and IAM allows 64.
    if (!/^[A-Za-z0-9_-]{1,59}$/.test(props.functionName)) {
      throw new Error(`BundledFunction ${id}: functionName "${props.functionName}" must be 1-59 letters, digits, '-' or '_' (its role adds "-role")`);
    }
    const packaged = bundleHandler(props.handlerName, { handlersDir: props.handlersDir, extraFiles: props.extraFiles });
    const bundle = props.packagedData ? bundleWithData(packaged, props.packagedData) : packaged;
    const environment = { NODE_OPTIONS: "--enable-source-maps", ...(props.environment ?? {}) };
    checkFunctionEnvironment(props.functionName, environment, props.unresolvedEnvironmentBytes);
    const asset = new TerraformAsset(this, "bundle", { path: bundle.zipFile, type: AssetType.FILE, assetHash: bundle.hash });

    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays,
    });

    const assumeRole = new DataAwsIamPolicyDocument(this, "assume-role", {
      statement: [{ effect: "Allow", actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }] }],
    });
    this.role = new IamRole(this, "role", {
      name: `${props.functionName}-role`,
      assumeRolePolicy: assumeRole.json,
      description: `Execution role of ${props.functionName}: writes its own logs, ${props.otherPermissions ?? "nothing else"}`,
    });
    // The log group exists (Terraform creates it), so no logs:CreateLogGroup; streams are
    // named by Lambda at run time, hence the one wildcard: stream names within this group.
    const writeLogs = new DataAwsIamPolicyDocument(this, "write-logs", {
      statement: [
        { effect: "Allow", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`${this.logGroup.arn}:log-stream:*`] },
      ],
    });
    new IamRolePolicy(this, "write-logs-policy", { name: "write-own-logs", role: this.role.id, policy: writeLogs.json });

    this.function = new LambdaFunction(this, "function", {
      functionName: props.functionName,
      description: props.description,
      role: this.role.arn,
      runtime: LAMBDA_RUNTIME,
      architectures: ["arm64"],
      handler: bundle.handler,
      filename: asset.path,
      // Our zip is deterministic, so this hash changes only when the code does.
      sourceCodeHash: asset.assetHash,
      timeout: props.timeoutSeconds ?? 10,
      memorySize: props.memorySize ?? 256,
      loggingConfig: { logFormat: "Text", logGroup: this.logGroup.name },
      environment: { variables: environment },
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      tracingConfig: props.xrayTracingEnabled === undefined ? undefined : xrayTracing(this, this.role, props.xrayTracingEnabled),
    });
  }
}
