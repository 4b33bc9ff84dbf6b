/**
 * The stack invariant behind the binding: no app client may write `custom:cert_fingerprint`.
 * Users must not bind their own certificate (nor a token thief theirs). Cognito lets a client
 * write every writable attribute when its `write_attributes` is absent or empty, so each client
 * must list what it may write, explicitly, and leave the binding attribute out.
 *
 * Enforced twice: `BindingSafeUserPoolClient` refuses a bad list when it is built, and
 * `clientsWritingTheBinding` (run as a synth validation by CertBoundUserPool) catches any other
 * `CognitoUserPoolClient` in the stack, including overrides of the synthesized JSON.
 */
import { type IConstruct, Construct } from "constructs";
import { TerraformStack, Token } from "cdktf";
import { CognitoUserPoolClient, type CognitoUserPoolClientConfig } from "@cdktf/provider-aws/lib/cognito-user-pool-client";

/** Name of the custom attribute, as a schema entry; clients see it as `custom:cert_fingerprint`. */
export const CERT_FINGERPRINT_ATTRIBUTE = "cert_fingerprint";
const BINDING_ATTRIBUTE = `custom:${CERT_FINGERPRINT_ATTRIBUTE}`;

/** What is wrong with a client's write_attributes, or undefined when they cannot write the binding. */
export function bindingWriteProblem(writeAttributes: unknown): string | undefined {
  if (writeAttributes === undefined || writeAttributes === null) return "write_attributes is not set, so the client could write every attribute";
  if (!Array.isArray(writeAttributes) || Token.isUnresolved(writeAttributes)) return "write_attributes must be a literal list, not a Terraform expression that could hide the binding attribute";
  if (writeAttributes.length === 0) return "write_attributes is empty, which Cognito reads as every attribute";
  if (writeAttributes.some((a) => typeof a !== "string" || Token.isUnresolved(a))) return "write_attributes must hold literal attribute names, not Terraform expressions";
  if (writeAttributes.some((a: string) => a.toLowerCase() === BINDING_ATTRIBUTE)) return `write_attributes includes ${BINDING_ATTRIBUTE}`;
  return undefined;
}

function explain(path: string, problem: string): string {
  return `Cognito app client ${path}: ${problem}. List the attributes the client may write explicitly (e.g. ["email"]) and leave ${BINDING_ATTRIBUTE} out: a client that can write it lets users bind their own certificate.`;
}

/** A CognitoUserPoolClient that refuses, when built, to be able to write the binding attribute. */
export class BindingSafeUserPoolClient extends CognitoUserPoolClient {
  constructor(scope: Construct, id: string, config: CognitoUserPoolClientConfig) {
    const problem = bindingWriteProblem(config.writeAttributes);
    if (problem) throw new Error(explain(`${scope.node.path}/${id}`, problem));
    super(scope, id, config);
  }
}

/**
 * Every app client in `scope`'s stack that could write the binding attribute, judged on the JSON
 * it synthesizes to (so `addOverride` cannot slip past), as error messages.
 */
export function clientsWritingTheBinding(scope: IConstruct): string[] {
  return TerraformStack.of(scope).node.findAll()
    .filter((c): c is CognitoUserPoolClient => c instanceof CognitoUserPoolClient)
    .flatMap((client) => {
      const synthesized = Object.values<Record<string, unknown>>(client.toTerraform().resource?.aws_cognito_user_pool_client ?? {})[0];
      const problem = bindingWriteProblem(synthesized?.write_attributes);
      return problem ? [explain(client.node.path, problem)] : [];
    });
}
