/**
 * The stage switches to a new deployment only after everything of the apply that its routes
 * need: every method, integration, response and resource, every API Gateway Lambda permission,
 * and the authorizer function (its route table). Checked on the synthesized stack of the
 * example document (several routes, handlers and a user integration).
 */
import { Testing } from "cdktf";
import { join } from "node:path";
import { loadApiDocument } from "../../stacks/api-document";
import { CertBoundApiStack } from "../../stacks/cert-bound-api-stack";
import { PROJECT_ROOT } from "../support/terraform";

const synthesized = (api?: ReturnType<typeof loadApiDocument>) => JSON.parse(Testing.synth(new CertBoundApiStack(Testing.app(), "order", api ? { api } : {})));

it.each([["the built-in document", undefined], ["the example document", join(PROJECT_ROOT, "examples", "accounts-api.yaml")]])("with %s, the deployment waits for every route part, permission and the authorizer function", (_, file) => {
  const json = synthesized(file ? loadApiDocument(file) : undefined);
  const [deployment] = Object.values<any>(json.resource.aws_api_gateway_deployment);
  const addresses = (type: string, keep: (r: any) => boolean = () => true) => Object.entries<any>(json.resource[type] ?? {}).filter(([, r]) => keep(r)).map(([name]) => `${type}.${name}`);
  const expected = [
    ...["aws_api_gateway_resource", "aws_api_gateway_method", "aws_api_gateway_integration", "aws_api_gateway_method_response", "aws_api_gateway_integration_response", "aws_api_gateway_gateway_response", "aws_api_gateway_authorizer"].flatMap((type) => addresses(type)),
    ...addresses("aws_lambda_permission", (p) => p.principal === "apigateway.amazonaws.com"),
    ...addresses("aws_lambda_function", (f) => f.function_name.endsWith("-authorizer")),
  ];
  expect(expected.filter((a) => a.startsWith("aws_api_gateway_method.")).length).toBeGreaterThan(0);
  expect(expected.filter((a) => a.startsWith("aws_lambda_permission.")).length).toBeGreaterThan(1);
  expect([...deployment.depends_on].sort()).toEqual([...new Set(expected)].sort());
  // Cognito's permission to invoke the trigger has nothing to do with the stage.
  expect(deployment.depends_on.some((a: string) => a.includes("cognito-invokes-trigger"))).toBe(false);
  expect(deployment.lifecycle).toEqual({ create_before_destroy: true });
});
