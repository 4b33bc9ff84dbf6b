/**
 * Environments and state backends: configuration parsing and its error messages, the
 * backend block each option synthesizes, and environments side by side.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing } from "cdktf";
import { defineStacks } from "../../stacks/app-stacks";
import { DeploymentConfigError, loadDeploymentConfig, type DeploymentConfig } from "../../stacks/deployment-config";

const NO_FILE = join(tmpdir(), "cbat-no-such-config.json");
const load = (env: Record<string, string>, configFile = NO_FILE) =>
  loadDeploymentConfig({ env: { ...env, ...(configFile === NO_FILE ? { CBAT_CONFIG: undefined } : {}) }, configFile: configFile === NO_FILE ? undefined : configFile });

function configFile(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), "cbat-config-")), "cbat.config.json");
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

/** Synthesizes every stack of a configuration; returns each stack's Terraform JSON. */
function synthAll(config: DeploymentConfig): Record<string, any> {
  return Object.fromEntries(defineStacks(Testing.app(), config).map((stack) => [stack.node.id, JSON.parse(Testing.synth(stack))]));
}

describe("loadDeploymentConfig", () => {
  it("defaults to a single stack with a local backend (the repository ships no cbat.config.json)", () => {
    expect(loadDeploymentConfig({ env: {} })).toEqual({ environments: [], backend: { type: "local" } });
  });

  it("reads environments with per-environment defaults, from the environment or a file", () => {
    const expected = [
      { name: "dev", logRetentionDays: 14, enableAdminPasswordAuth: true, userPoolDeletionProtection: false, ephemeral: true, enableUserPasswordAuth: false, manageApiGatewayAccount: false },
      { name: "prod", logRetentionDays: 365, enableAdminPasswordAuth: false, userPoolDeletionProtection: true, ephemeral: false, enableUserPasswordAuth: false, manageApiGatewayAccount: true },
      { name: "qa", logRetentionDays: 30, enableAdminPasswordAuth: false, userPoolDeletionProtection: true, ephemeral: false, enableUserPasswordAuth: false, manageApiGatewayAccount: false },
    ];
    expect(load({ CBAT_ENVIRONMENTS: "dev, prod,qa" }).environments).toEqual(expected);
    expect(load({}, configFile({ environments: ["dev", "prod", { name: "qa" }] })).environments).toEqual(expected);
    expect(load({}, configFile({ environments: [{ name: "prod", logRetentionDays: 731 }] })).environments[0].logRetentionDays).toBe(731);
    // Deletion protection is on unless the environment is marked ephemeral (or says otherwise).
    expect(load({}, configFile({ environments: [{ name: "ci", ephemeral: true }] })).environments[0]).toMatchObject({ ephemeral: true, userPoolDeletionProtection: false });
    expect(() => load({}, configFile({ environments: [{ name: "ci", ephemeral: "yes" }] }))).toThrow(/environments\[0\]\.ephemeral: must be true or false/);
  });

  it("lets exactly one environment per account and region manage API Gateway's account setting", () => {
    const owners = (environments: unknown[]) => load({}, configFile({ environments })).environments.map((e) => [e.name, e.manageApiGatewayAccount]);
    expect(owners(["dev"])).toEqual([["dev", true]]);
    expect(owners(["dev", "qa"])).toEqual([["dev", true], ["qa", false]]);
    expect(owners([{ name: "dev", manageApiGatewayAccount: true }, { name: "prod", manageApiGatewayAccount: false }])).toEqual([["dev", true], ["prod", false]]);
    // Told apart by account or region, both may own their own setting.
    expect(owners([{ name: "dev", awsAccountId: "111111111111", manageApiGatewayAccount: true }, { name: "prod", awsAccountId: "222222222222" }])).toEqual([["dev", true], ["prod", true]]);
    expect(owners([{ name: "dev", awsRegion: "eu-west-1", manageApiGatewayAccount: true }, { name: "prod", awsRegion: "eu-central-1" }])).toEqual([["dev", true], ["prod", true]]);
    const file = configFile({ environments: [{ name: "dev", manageApiGatewayAccount: true }, { name: "prod", awsRegion: "eu-west-1" }] });
    expect(() => load({}, file)).toThrow(DeploymentConfigError);
    expect(() => load({}, file)).toThrow(/environments\[1\]\.manageApiGatewayAccount: environments "dev" and "prod" would both manage API Gateway's account setting .*Set "manageApiGatewayAccount": false on all but one, or give them different "awsAccountId" or "awsRegion"/);
    expect(() => load({}, configFile({ environments: [{ name: "dev", awsAccountId: "12345" }] }))).toThrow(/environments\[0\]\.awsAccountId: must be an AWS account id \(12 digits\)/);
  });

  it("makes manageApiGatewayAccount and awsRegion the defaults of the environment's variables", () => {
    const config = load({}, configFile({ environments: [{ name: "dev", awsRegion: "eu-central-1" }, "prod"] }));
    const stacks = synthAll(config);
    expect(stacks["cert-bound-api-dev"].variable.manage_api_gateway_account.default).toBe(false);
    expect(stacks["cert-bound-api-prod"].variable.manage_api_gateway_account.default).toBe(true);
    expect(stacks["cert-bound-api-dev"].variable.aws_region.default).toBe("eu-central-1");
    expect(stacks["cert-bound-api-prod"].variable.aws_region.default).toBeNull();
  });

  it("lets environment variables win over the file", () => {
    const file = configFile({ environments: ["dev"], backend: { type: "s3", bucket: "file-bucket", region: "eu-west-1" } });
    const config = load({ CBAT_ENVIRONMENTS: "prod", CBAT_STATE_BUCKET: "env-bucket" }, file);
    expect(config.environments.map((e) => e.name)).toEqual(["prod"]);
    expect(config.backend).toEqual({ type: "s3", bucket: "env-bucket", region: "eu-west-1", keyPrefix: "cert-bound-access-tokens/" });
  });

  it.each([
    [{ CBAT_BACKEND: "consul" }, "CBAT_BACKEND", /unknown backend "consul"; allowed: local, s3, cloud/],
    [{ CBAT_BACKEND: "s3", CBAT_STATE_REGION: "eu-west-1" }, "CBAT_STATE_BUCKET (or backend.bucket in", /is required for the s3 backend/],
    [{ CBAT_BACKEND: "s3", CBAT_STATE_BUCKET: "Bad_Bucket", CBAT_STATE_REGION: "eu-west-1" }, "CBAT_STATE_BUCKET", /"Bad_Bucket" is invalid/],
    [{ CBAT_BACKEND: "s3", CBAT_STATE_BUCKET: "b-1", CBAT_STATE_REGION: "Ireland" }, "CBAT_STATE_REGION", /region such as "eu-west-1"/],
    [{ CBAT_BACKEND: "cloud" }, "CBAT_TFC_ORGANIZATION (or backend.organization in", /HCP Terraform organization/],
    [{ CBAT_BACKEND: "cloud", CBAT_TFC_ORGANIZATION: "acme" }, "CBAT_TFC_WORKSPACE", /set exactly one/],
    [{ CBAT_BACKEND: "cloud", CBAT_TFC_ORGANIZATION: "acme", CBAT_TFC_WORKSPACE: "w", CBAT_TFC_WORKSPACE_TAGS: "a" }, "CBAT_TFC_WORKSPACE", /set exactly one/],
    [{ CBAT_ENVIRONMENTS: "dev,Prod" }, "CBAT_ENVIRONMENTS", /environment name "Prod" must be 1-10 lowercase/],
    [{ CBAT_ENVIRONMENTS: "dev,dev" }, "CBAT_ENVIRONMENTS", /listed twice/],
  ])("refuses %p, naming %s", (env, setting, message) => {
    let error: unknown;
    try {
      load(env as Record<string, string>);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DeploymentConfigError);
    expect((error as DeploymentConfigError).setting).toContain(setting);
    expect((error as Error).message).toMatch(message);
  });

  it("names the file and the field for a bad config file", () => {
    expect(() => load({}, configFile("{ not json"))).toThrow(/cbat\.config\.json: not valid JSON/);
    expect(() => load({}, configFile({ environment: ["dev"] }))).toThrow(/unknown setting\(s\) environment; allowed: environments, backend/);
    expect(() => load({}, configFile({ environments: [{ name: "prod", logRetentionDays: 31 }] }))).toThrow(/environments\[0\]\.logRetentionDays: must be one of/);
    expect(() => load({}, configFile({ backend: { type: "s3", bucket: "b-1", region: "eu-west-1", keyPrefix: "no-slash" } }))).toThrow(/backend\.keyPrefix: "no-slash" is invalid/);
    expect(() => loadDeploymentConfig({ env: { CBAT_CONFIG: "/nope/cbat.json" } })).toThrow(/config file not found/);
  });
});

describe("state backends in the synthesized JSON", () => {
  const backends: Record<string, DeploymentConfig["backend"]> = {
    local: { type: "local" },
    s3: { type: "s3", bucket: "acme-terraform-state", region: "eu-west-1", keyPrefix: "cert-bound-access-tokens/" },
    "cloud (workspace name)": { type: "cloud", organization: "acme", hostname: "app.terraform.io", workspace: "cert-bound-api" },
    "cloud (workspace tags)": { type: "cloud", organization: "acme", hostname: "app.terraform.io", workspaceTags: ["cert-bound-api", "aws"] },
  };

  it.each(Object.entries(backends))("%s", (_name, backend) => {
    const stacks = synthAll({ environments: [{ name: "prod", logRetentionDays: 365, enableAdminPasswordAuth: false, userPoolDeletionProtection: true }], backend });
    const terraformBlock = stacks["cert-bound-api-prod"].terraform;
    expect({ backend: terraformBlock.backend, cloud: terraformBlock.cloud }).toMatchSnapshot();
  });

  it("S3 state is encrypted, natively locked, and keyed per stack", () => {
    const stacks = synthAll({ environments: [{ name: "dev", logRetentionDays: 14, enableAdminPasswordAuth: true, userPoolDeletionProtection: false }, { name: "prod", logRetentionDays: 365, enableAdminPasswordAuth: false, userPoolDeletionProtection: true }], backend: backends.s3 });
    expect(stacks["cert-bound-api-dev"].terraform.backend.s3).toEqual({
      bucket: "acme-terraform-state", key: "cert-bound-access-tokens/cert-bound-api-dev/terraform.tfstate", region: "eu-west-1", encrypt: true, use_lockfile: true,
    });
    expect(stacks["cert-bound-api-prod"].terraform.backend.s3.key).toBe("cert-bound-access-tokens/cert-bound-api-prod/terraform.tfstate");
  });
});

describe("environments side by side", () => {
  const config: DeploymentConfig = {
    environments: [{ name: "dev", logRetentionDays: 14, enableAdminPasswordAuth: true, userPoolDeletionProtection: false }, { name: "prod", logRetentionDays: 365, enableAdminPasswordAuth: false, userPoolDeletionProtection: true }],
    backend: { type: "local" },
  };

  /** Resource types whose names must be unique in an account and region (or that we keep distinct for clarity). */
  const ACCOUNT_SCOPED = ["aws_lambda_function", "aws_iam_role", "aws_cloudwatch_log_group", "aws_cognito_user_pool", "aws_cognito_user_pool_client", "aws_api_gateway_rest_api"];
  function namesOf(stack: Record<string, any>): string[] {
    const names: string[] = [];
    for (const [type, instances] of Object.entries<any>(stack.resource)) {
      if (!ACCOUNT_SCOPED.includes(type)) continue;
      for (const r of Object.values<any>(instances)) {
        for (const key of ["name", "function_name"]) if (typeof r[key] === "string" && !r[key].startsWith("${")) names.push(`${type}:${r[key]}`);
      }
    }
    return names;
  }

  it("synthesizes one stack per environment with disjoint resource names and their own defaults", () => {
    const stacks = synthAll(config);
    expect(Object.keys(stacks).sort()).toEqual(["cert-bound-api-dev", "cert-bound-api-prod"]);
    const dev = namesOf(stacks["cert-bound-api-dev"]);
    const prod = namesOf(stacks["cert-bound-api-prod"]);
    expect(dev.length).toBeGreaterThan(10);
    expect(dev.filter((n) => prod.includes(n))).toEqual([]);
    expect(dev.every((n) => n.includes("cert-bound-api-dev"))).toBe(true);
    expect(stacks["cert-bound-api-prod"].variable.log_retention_days.default).toBe(365);
    expect(stacks["cert-bound-api-prod"].variable.enable_admin_password_auth.default).toBe(false);
    expect(stacks["cert-bound-api-dev"].variable.log_retention_days.default).toBe(14);
    expect(stacks["cert-bound-api-dev"].variable.enable_admin_password_auth.default).toBe(true);
    expect(stacks["cert-bound-api-prod"].variable.user_pool_deletion_protection.default).toBe(true);
    expect(stacks["cert-bound-api-dev"].variable.user_pool_deletion_protection.default).toBe(false);
    expect(stacks["cert-bound-api-dev"].terraform.backend.local.path).toBe("../../../terraform.cert-bound-api-dev.tfstate");
    expect(stacks["cert-bound-api-prod"].provider.aws[0].default_tags[0].tags.environment).toBe("prod");
  });
});
