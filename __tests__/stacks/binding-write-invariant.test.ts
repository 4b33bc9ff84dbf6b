/**
 * Item 4 of issue 11: "users cannot write custom:cert_fingerprint" is a stack invariant, not one
 * list that a later change could drop silently. Real constructs, real synth (with cdktf's
 * validations, as `cdktf synth` runs them).
 */
import { Fn, Testing } from "cdktf";
import { CognitoUserPoolClient } from "@cdktf/provider-aws/lib/cognito-user-pool-client";
import { BindingSafeUserPoolClient, bindingWriteProblem } from "../../stacks/binding-safe-user-pool-client";
import { CertBoundApiStack } from "../../stacks/cert-bound-api-stack";

const newStack = () => new CertBoundApiStack(Testing.app(), "invariant-test");
const poolOf = (stack: CertBoundApiStack) => stack.node.findAll().find((c) => c.node.id === "user-pool" && c.node.scope === stack)!;
const userPoolId = (stack: CertBoundApiStack) => (poolOf(stack) as unknown as { userPool: { id: string } }).userPool.id;

describe("BindingSafeUserPoolClient refuses, when built, a client that could write the binding", () => {
  it.each([
    ["names it", ["email", "custom:cert_fingerprint"], /write_attributes includes custom:cert_fingerprint/],
    ["names it in another case", ["Custom:Cert_Fingerprint"], /write_attributes includes custom:cert_fingerprint/],
    ["is empty (Cognito: every attribute)", [], /write_attributes is empty/],
    ["is absent (Cognito: every attribute)", undefined, /write_attributes is not set/],
    ["is an expression", Fn.concat([["email"], ["custom:cert_fingerprint"]]), /literal list/],
    ["holds an expression", ["email", Fn.lower("CUSTOM:CERT_FINGERPRINT")], /literal attribute names/],
  ])("write_attributes that %s", (_name, writeAttributes, message) => {
    const stack = newStack();
    const build = () => new BindingSafeUserPoolClient(stack, "machine-client", { name: "m", userPoolId: userPoolId(stack), writeAttributes: writeAttributes as string[] | undefined });
    expect(build).toThrow(message);
    expect(build).toThrow(/Cognito app client invariant-test\/machine-client: .* leave custom:cert_fingerprint out/);
  });

  it("accepts an explicit list without it", () => {
    const stack = newStack();
    expect(() => new BindingSafeUserPoolClient(stack, "machine-client", { name: "m", userPoolId: userPoolId(stack), writeAttributes: ["email", "name"] })).not.toThrow();
    expect(() => Testing.synth(stack, true)).not.toThrow();
    expect(bindingWriteProblem(["email"])).toBeUndefined();
  });
});

describe("the synth fails for any other client of the stack that could write the binding", () => {
  it("a plain CognitoUserPoolClient without write_attributes", () => {
    const stack = newStack();
    new CognitoUserPoolClient(stack, "plain-client", { name: "plain", userPoolId: userPoolId(stack) });
    expect(() => Testing.synth(stack, true)).toThrow(/Cognito app client invariant-test\/plain-client: write_attributes is not set/);
  });

  it("a plain CognitoUserPoolClient that lists the attribute", () => {
    const stack = newStack();
    new CognitoUserPoolClient(stack, "plain-client", { name: "plain", userPoolId: userPoolId(stack), writeAttributes: ["custom:cert_fingerprint"] });
    expect(() => Testing.synth(stack, true)).toThrow(/plain-client: write_attributes includes custom:cert_fingerprint/);
  });

  it("an override of the stack's own client in the synthesized JSON", () => {
    const stack = newStack();
    const client = (poolOf(stack) as unknown as { client: CognitoUserPoolClient }).client;
    client.addOverride("write_attributes", ["email", "custom:cert_fingerprint"]);
    expect(() => Testing.synth(stack, true)).toThrow(/invariant-test\/user-pool\/client: write_attributes includes custom:cert_fingerprint/);
  });

  it("passes for the stack as it is", () => {
    expect(() => Testing.synth(newStack(), true)).not.toThrow();
  });
});
