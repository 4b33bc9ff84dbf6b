/**
 * Lambda refuses a function whose environment variables exceed 4 KB in all (AWS_QUOTAS, not
 * raisable), at apply. Synth checks every function's: names and values, with what values known
 * only at apply (pool and client ids, ARNs) can reach.
 */
import { AWS_QUOTAS, quotaMessage } from "./aws-quotas";
import { DeploymentConfigError } from "./deployment-config-error";

/** The longest a Terraform reference in a value can resolve to (an ARN or an id). */
export const UNRESOLVED_VALUE_BYTES = 128;

/** The bytes Lambda counts: every name and value, references at their longest. */
export function environmentBytes(variables: Readonly<Record<string, string>>, unresolvedBytes = 0): number {
  return unresolvedBytes + Object.entries(variables).reduce((sum, [name, value]) => {
    const references = value.match(/\$\{[^}]*\}/g) ?? [];
    const literal = references.reduce((rest, reference) => rest.replace(reference, ""), value);
    return sum + Buffer.byteLength(name) + Buffer.byteLength(literal) + references.length * UNRESOLVED_VALUE_BYTES;
  }, 0);
}

/**
 * Refuses, at synth, an environment Lambda would refuse at apply.
 * `unresolvedBytes`: what values known only at apply add beyond one reference each (e.g. a list of ids).
 */
export function checkFunctionEnvironment(functionName: string, variables: Readonly<Record<string, string>>, unresolvedBytes = 0): void {
  const bytes = environmentBytes(variables, unresolvedBytes);
  if (bytes > AWS_QUOTAS.lambdaEnvironmentBytes.value) {
    throw new DeploymentConfigError(`Lambda function ${functionName}`, quotaMessage("lambdaEnvironmentBytes", `its environment (${Object.keys(variables).join(", ")})`, bytes));
  }
}
