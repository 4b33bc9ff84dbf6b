/**
 * A team composes a stack of its own from the package's public constructs (index.ts, the
 * `exports` "."), the way aws-cdk-lib's are composed: its own provider, no variables of ours,
 * literal inputs. The stack synthesizes, and real terraform validates and plans it offline with
 * the binding's invariants in place: authorizer TTL 0 in front of every route, the V3_0 trigger on
 * the pool, mutual TLS on the domain, the authorizer's route table and revocation reads.
 */
import { App, TerraformStack } from "cdktf";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { BindingTrigger, BundledFunction, CertBoundAuthorizer, CertBoundUserPool, MtlsCustomDomain, MtlsRestApi, builtInApi } from "../../index";
import { assertTerraformAvailable, OfflineTerraform, type PlanJson } from "../support/terraform";

const outdir = mkdtempSync(join(tmpdir(), "cbat-compose-"));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** The team's stack: the package's constructs wired by hand; `crlKey` a key, or null (off). */
function teamStack(app: App, name: string, crlKey: string | null): TerraformStack {
  const stack = new TerraformStack(app, name);
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  const api = builtInApi({ readers: ["cbat/invoke"] });
  const trigger = new BindingTrigger(stack, "trigger", { namePrefix: name, groupScopes: api.groupScopes, logRetentionDays: 30 });
  const pool = new CertBoundUserPool(stack, "pool", { namePrefix: name, preTokenGenerationFunction: trigger.function, groups: Object.keys(api.groupScopes) });
  const authorizer = new CertBoundAuthorizer(stack, "authorizer", {
    namePrefix: name,
    api,
    userPoolId: pool.userPool.id,
    userPoolClientId: pool.client.id,
    accessTokenValidityMinutes: "60",
    revocation: { bucket: "team-truststore", truststoreKey: "truststore.pem", crlKey },
    logRetentionDays: 30,
  });
  const example = new BundledFunction(stack, "example", { handlerName: "example", functionName: `${name}-example`, description: "The team's backend", logRetentionDays: 30 });
  const restApi = new MtlsRestApi(stack, "api", { namePrefix: name, authorizerFunction: authorizer.function, api, handlerFunctions: { example: example.function } });
  new MtlsCustomDomain(stack, "domain", {
    domainName: "api.team.example",
    certificateArn: "arn:aws:acm:eu-west-1:111122223333:certificate/12345678-1234-1234-1234-123456789012",
    truststoreBucket: "team-truststore",
    truststoreKey: "truststore.pem",
    restApiId: restApi.api.id,
    stageName: restApi.stage.stageName,
  });
  return stack;
}

const app = new App({ outdir });
teamStack(app, "team-api", "crls.pem");
teamStack(app, "team-api-no-crl", null);
app.synth();
const synthesized = (name: string) => JSON.parse(readFileSync(join(outdir, "stacks", name, "cdk.tf.json"), "utf8"));
const authorizerOf = (json: any) => Object.values<any>(json.resource.aws_lambda_function).find((f) => f.function_name.endsWith("-authorizer"));

it("with crlKey null the authorizer checks no revocation and may read no object", () => {
  const json = synthesized("team-api-no-crl");
  expect(authorizerOf(json).environment.variables).toMatchObject({ CRL_KEY: "", TRUSTSTORE_VERSION: "", CRL_REFRESH_SECONDS: "300", CRL_GRACE_SECONDS: "3600" });
  const policies = Object.values<any>(json.resource.aws_iam_role_policy).map((p) => p.name);
  expect(policies).toContain("write-own-logs");
  expect(policies.filter((name) => /crl|truststore|kms/i.test(name))).toEqual([]);
});

describe("real terraform", () => {
  let plan: PlanJson;
  beforeAll(() => {
    assertTerraformAvailable();
    const terraform = new OfflineTerraform(join(outdir, "stacks", "team-api"));
    terraform.ok("init", "-input=false");
    terraform.ok("validate");
    plan = terraform.planJson(terraform.writeVars("team.tfvars.json", {}));
  }, 240_000);
  const resources = () => plan.planned_values.root_module.resources ?? [];
  const ofType = (type: string) => resources().filter((r) => r.type === type);

  it("plans the binding's invariants: TTL 0 before every route, V3_0 trigger, mutual TLS, no default endpoint", () => {
    expect(ofType("aws_api_gateway_authorizer").map((r) => r.values.authorizer_result_ttl_in_seconds)).toEqual([0]);
    const methods = ofType("aws_api_gateway_method");
    expect(methods.length).toBeGreaterThan(0);
    for (const method of methods) expect(method.values.authorization).toBe("CUSTOM");
    expect(ofType("aws_api_gateway_rest_api")[0].values.disable_execute_api_endpoint).toBe(true);
    const [pool] = ofType("aws_cognito_user_pool");
    expect(pool.values.lambda_config[0].pre_token_generation_config[0].lambda_version).toBe("V3_0");
    const [domain] = ofType("aws_api_gateway_domain_name");
    expect(domain.values.mutual_tls_authentication[0].truststore_uri).toBe("s3://team-truststore/truststore.pem");
    expect(domain.values.security_policy).toBe("TLS_1_2");
  });

  it("the authorizer reads exactly the truststore and the CRL bundle, and the groups exist", () => {
    // Its environment names the pool, known after apply: read from the synthesized config.
    expect(authorizerOf(synthesized("team-api")).environment.variables).toMatchObject({ CRL_KEY: "crls.pem", TRUSTSTORE_BUCKET: "team-truststore", TRUSTSTORE_KEY: "truststore.pem", TRUSTSTORE_VERSION: "", ACCESS_TOKEN_VALIDITY_MINUTES: "60" });
    const [read] = ofType("aws_iam_role_policy").filter((r) => r.values.name === "read-crl-and-truststore");
    const statements = JSON.parse(read.values.policy).Statement;
    expect(statements.flatMap((s: { Resource: string[] }) => s.Resource).sort()).toEqual([
      "arn:aws:s3:::team-truststore/crls.pem", "arn:aws:s3:::team-truststore/truststore.pem", "arn:aws:s3:::team-truststore/truststore.pem",
    ]);
    // The group's scopes reach the trigger's package; the stack's own outputs are not needed.
    expect(ofType("aws_cognito_user_group").map((r) => r.values.name)).toEqual(["readers"]);
  });
});

it("refuses a literal object key that IAM or Terraform would read as a pattern or template", () => {
  for (const key of ["crls-*.pem", "crls?.pem", "x${a}", "x%{if true}*%{endif}"]) {
    expect(() => teamStack(new App({ outdir: mkdtempSync(join(outdir, "bad-")) }), "team-bad", key)).toThrow(/object key .* contains '\*', '\?', '\$\{' or '%\{'/);
  }
});
