/**
 * The deploy cycle's rules, without an AWS stand-in: what counts as drift, what a named gap
 * may excuse, that every destroy gap has an undo, which resource types may be skipped and which
 * managed policies the stand-in must know (on the real synthesized stack).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { classifyChanges, changedAttributes } from "../../scripts/deploy-cycle/drift";
import { MOTO_DESTROY_GAPS, MOTO_DRIFT_ALLOW_LIST, MOTO_SERIAL_DESTROY_GAPS, MOTO_UPDATE_GAPS, SKIPPED_INPUTS, SKIPPED_RESOURCE_TYPES } from "../../scripts/deploy-cycle/moto-gaps";
import { RELEASES } from "../../scripts/deploy-cycle/release-resources";
import { ENABLED_INPUTS } from "../../scripts/deploy-cycle/seed";
import { withoutSkippedTypes } from "../../scripts/deploy-cycle/skip-resources";
import { managedPoliciesOf } from "../../scripts/deploy-cycle/stand-in-preconditions";
import { PUSH_TO_CLOUDWATCH_LOGS_POLICY } from "../../stacks/api-gateway-account";
import type { ResourceChange } from "../../scripts/terraform/offline-terraform";
import { STACK_NAME } from "../../stacks/stack-name";
import { synthApp } from "../support/terraform";

const update = (address: string, before: Record<string, unknown>, after: Record<string, unknown>, afterUnknown: Record<string, unknown> = {}): ResourceChange => ({
  address, mode: "managed", type: address.split(".")[0], change: { actions: ["update"], before, after, after_unknown: afterUnknown },
});

describe("drift", () => {
  it("names the top-level attributes a change touches; null, absent, [] and {} are all 'not set'", () => {
    expect(changedAttributes({ actions: ["update"], before: { a: 1, b: [], c: null, tags: {} }, after: { a: 2, b: null, tags: null, d: [{ x: 1 }] }, after_unknown: { e: true } }))
      .toEqual(["a", "d", "e"]);
  });

  it("allow-lists an update only when every changed attribute is a named gap of that type", () => {
    const report = classifyChanges([
      update("aws_lambda_function.a", { logging_config: [] }, { logging_config: [{ log_format: "Text" }] }),
      update("aws_lambda_function.b", { logging_config: [], timeout: 3 }, { logging_config: [{ log_format: "Text" }], timeout: 10 }),
      // The right attribute on the wrong type is not excused.
      update("aws_cognito_user_pool_client.c", { user_pool_tier: null }, { user_pool_tier: "ESSENTIALS" }),
      update("aws_api_gateway_authorizer.d", { authorizer_result_ttl_in_seconds: 300 }, { authorizer_result_ttl_in_seconds: 0 }),
    ], MOTO_DRIFT_ALLOW_LIST);
    expect(report.allowListed.map((c) => [c.address, c.attributes])).toEqual([["aws_lambda_function.a", ["logging_config"]]]);
    expect(report.drift.map((c) => [c.address, c.attributes])).toEqual([
      ["aws_lambda_function.b", ["timeout"]],
      ["aws_cognito_user_pool_client.c", ["user_pool_tier"]],
      ["aws_api_gateway_authorizer.d", ["authorizer_result_ttl_in_seconds"]],
    ]);
  });

  it("never excuses a create, a replacement or a deletion; ignores no-ops and reads", () => {
    const change = (actions: string[]): ResourceChange => ({ address: `aws_lambda_function.${actions.join("_")}`, mode: "managed", type: "aws_lambda_function", change: { actions, before: { logging_config: [] }, after: { logging_config: [{ log_format: "Text" }] }, after_unknown: {} } });
    const report = classifyChanges([change(["create"]), change(["delete", "create"]), change(["delete"]), change(["no-op"]), change(["read"])], MOTO_DRIFT_ALLOW_LIST);
    expect(report.drift.map((c) => c.actions)).toEqual([["create"], ["delete", "create"], ["delete"]]);
    expect(report.allowListed).toEqual([]);
  });

  it("gives every gap, destroy gap, update gap, serial destroy, skipped input and skipped type a reason", () => {
    for (const entry of [...MOTO_DRIFT_ALLOW_LIST, ...MOTO_DESTROY_GAPS, ...MOTO_UPDATE_GAPS, ...MOTO_SERIAL_DESTROY_GAPS, ...SKIPPED_INPUTS, ...SKIPPED_RESOURCE_TYPES]) expect(entry.why.length).toBeGreaterThan(30);
    const keys = MOTO_DRIFT_ALLOW_LIST.map((g) => `${g.resourceType}.${g.attribute}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe("destroy gaps", () => {
  it("name the failing operation, and have a way to undo and to look for each type", () => {
    for (const gap of MOTO_DESTROY_GAPS) {
      expect(gap.operation).toMatch(/^[A-Z][A-Za-z]+\b/);
      expect(Object.keys(RELEASES)).toContain(gap.resourceType);
    }
    // No undo without a named gap: a release is never a quiet way around a failing destroy.
    expect(Object.keys(RELEASES).sort()).toEqual(MOTO_DESTROY_GAPS.map((g) => g.resourceType).sort());
  });
});

describe("on the synthesized stack", () => {
  let stack: Record<string, any>;
  beforeAll(() => {
    stack = JSON.parse(readFileSync(join(synthApp(), "stacks", STACK_NAME, "cdk.tf.json"), "utf8"));
  });

  it("names only variables the stack declares, as inputs it turns on or leaves at their default", () => {
    const declared = Object.keys(stack.variable ?? {});
    for (const input of [...ENABLED_INPUTS, ...SKIPPED_INPUTS]) expect(declared).toContain(input.variable);
    // A skipped input's resources really depend on it.
    for (const skip of SKIPPED_INPUTS) {
      for (const type of skip.resourceTypes) expect(JSON.stringify(Object.values(stack.resource[type] ?? { none: {} }).map((r: any) => r.count))).toContain(`var.${skip.variable}`);
    }
  });

  it("finds the AWS-managed policies the stack attaches, which the stand-in must have loaded", () => {
    expect(managedPoliciesOf(stack)).toEqual([PUSH_TO_CLOUDWATCH_LOGS_POLICY]);
    expect(managedPoliciesOf({ resource: {} })).toEqual([]);
  });

  it("removes a type nothing refers to", () => {
    const { stack: rest, removed } = withoutSkippedTypes(stack, [{ resourceType: "aws_cloudwatch_metric_alarm", why: "example" }]);
    expect(removed).toHaveLength(Object.keys(stack.resource.aws_cloudwatch_metric_alarm).length);
    expect(rest.resource?.aws_cloudwatch_metric_alarm).toBeUndefined();
    expect(Object.keys(rest.resource ?? {})).toHaveLength(Object.keys(stack.resource).length - 1);
    expect(withoutSkippedTypes(stack, SKIPPED_RESOURCE_TYPES).stack.resource).toEqual(
      Object.fromEntries(Object.entries(stack.resource).filter(([type]) => !SKIPPED_RESOURCE_TYPES.some((s) => s.resourceType === type))),
    );
  });

  it("refuses to skip a type that other resources refer to, naming them", () => {
    expect(() => withoutSkippedTypes(stack, [{ resourceType: "aws_iam_role", why: "example" }]))
      .toThrow(/cannot skip aws_iam_role\.\S+ \(a named skip in scripts\/deploy-cycle\/moto-gaps\.ts\): .*aws_lambda_function\./);
    // depends_on lists name resources without an attribute.
    expect(() => withoutSkippedTypes(stack, [{ resourceType: "aws_api_gateway_gateway_response", why: "example" }]))
      .toThrow(/aws_api_gateway_deployment\./);
  });
});
