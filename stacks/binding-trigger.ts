/**
 * The binding trigger: Cognito's V3_0 pre-token-generation function (bundle of
 * handlers/pre-token-generation.ts) that writes `cnf.x5t#S256` into access tokens — a user's
 * from the certificate thumbprint bound to them, a machine client's from the binding registry
 * or the mTLS token endpoint's voucher — and adds the scopes of the user's groups.
 * CertBoundUserPool attaches it to the pool.
 */
import type { Construct } from "constructs";
import { GROUP_SCOPES_FILE } from "../handlers/lib/packaged-data";
import { BundledFunction, type BundledFunctionProps } from "./bundled-function";

export interface BindingTriggerProps {
  /** Names the function (`<namePrefix>-pre-token-generation`), its role and log group. */
  readonly namePrefix: string;
  /**
   * Cognito group → the scopes the trigger adds to its members' access tokens.
   * @default none
   */
  readonly groupScopes?: Readonly<Record<string, readonly string[]>>;
  /**
   * SSM path of the machine-client binding registry, a literal (MachineClients; grant the role
   * its read with `MachineClients.grantRead`).
   * @default none: client_credentials tokens get no binding, and are refused
   */
  readonly machineBindingsPath?: string;
  /**
   * ARN of the KMS HMAC key of the mTLS token endpoint's vouchers (grant the role kms:VerifyMac).
   * @default none: no mTLS token endpoint
   */
  readonly voucherKeyArn?: string;
  /** Log retention in days (Terraform expression allowed). */
  readonly logRetentionDays: number;
  /** @default no tracing_config */
  readonly xrayTracingEnabled?: BundledFunctionProps["xrayTracingEnabled"];
}

export class BindingTrigger extends BundledFunction {
  constructor(scope: Construct, id: string, props: BindingTriggerProps) {
    super(scope, id, {
      handlerName: "pre-token-generation",
      functionName: `${props.namePrefix}-pre-token-generation`,
      description: "Cognito pre token generation (V3_0): binds access tokens to the user's or machine client's certificate (cnf.x5t#S256)",
      logRetentionDays: props.logRetentionDays,
      timeoutSeconds: 5,
      memorySize: 128,
      ...(props.machineBindingsPath ? { otherPermissions: "reads the machine-client binding registry (its SSM path)" } : {}),
      packagedData: { [GROUP_SCOPES_FILE]: props.groupScopes ?? {} },
      environment: {
        // A literal name, not a reference: the parameter depends on the clients, which depend on the pool and so on this function.
        ...(props.machineBindingsPath ? { MACHINE_BINDINGS_PATH: props.machineBindingsPath } : {}),
        ...(props.voucherKeyArn ? { VOUCHER_KEY_ID: props.voucherKeyArn } : {}),
      },
      xrayTracingEnabled: props.xrayTracingEnabled,
    });
  }
}
