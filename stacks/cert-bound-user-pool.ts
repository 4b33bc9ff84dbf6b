/**
 * The Cognito side of certificate binding: a user pool whose pre token generation
 * trigger (V3_0) writes `cnf.x5t#S256` into access tokens, of users from the administrator-set
 * `custom:cert_fingerprint` attribute (of machine clients from their registry, see machine-clients.ts), and an app client that cannot change that attribute
 * (nor can any other client of the stack: see binding-safe-user-pool-client.ts).
 */
import { createHash } from "node:crypto";
import { Construct } from "constructs";
import { Fn, Op, type IResolvable } from "cdktf";
import { CognitoUserPool } from "@cdktf/provider-aws/lib/cognito-user-pool";
import { CognitoUserGroup } from "@cdktf/provider-aws/lib/cognito-user-group";
import type { CognitoUserPoolClient } from "@cdktf/provider-aws/lib/cognito-user-pool-client";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { terraformLiteral } from "./terraform-literal";
import { BindingSafeUserPoolClient, CERT_FINGERPRINT_ATTRIBUTE, clientsWritingTheBinding } from "./binding-safe-user-pool-client";

export { CERT_FINGERPRINT_ATTRIBUTE };

export interface CertBoundUserPoolProps {
  /** Prefix of the pool and client names. */
  readonly namePrefix: string;
  /** The pre token generation trigger (bundle of `handlers/pre-token-generation.ts`). */
  readonly preTokenGenerationFunction: LambdaFunction;
  /**
   * Boolean Terraform expression: also allow ADMIN_USER_PASSWORD_AUTH (server-side sign-in
   * with IAM credentials, handy for testing). The original sample asked for this by hand.
   * @default false
   */
  readonly enableAdminPasswordAuth?: boolean | IResolvable;
  /**
   * Boolean Terraform expression: protect the pool (users, bindings) from deletion.
   * @default false, so that `cdktf destroy` cleans up a trial deployment
   */
  readonly deletionProtection?: boolean | IResolvable;
  /**
   * Boolean Terraform expression: also allow USER_PASSWORD_AUTH (the password is sent to Cognito).
   * @default false: SRP and refresh only
   */
  readonly enableUserPasswordAuth?: boolean | IResolvable;
  /**
   * String Terraform expression: "OFF", "OPTIONAL" or "ON"; with OPTIONAL or ON, software TOTP.
   * @default "OFF"
   */
  readonly mfaConfiguration?: string;
  /**
   * Cognito groups to create (those of `api.groupScopes`: the trigger maps them to scopes).
   * @default none
   */
  readonly groups?: readonly string[];
  /**
   * Number Terraform expression: the app client's access-token lifetime in minutes (5-1440).
   * The authorizer must be given the same value: it refuses tokens that live longer.
   * @default 60, Cognito's default
   */
  readonly accessTokenValidityMinutes?: number;
}

export class CertBoundUserPool extends Construct {
  readonly userPool: CognitoUserPool;
  readonly client: CognitoUserPoolClient;
  readonly groups: CognitoUserGroup[];

  constructor(scope: Construct, id: string, props: CertBoundUserPoolProps) {
    super(scope, id);

    this.userPool = new CognitoUserPool(this, "user-pool", {
      name: `${props.namePrefix}-users`,
      // Access-token customisation (V2_0/V3_0 triggers) needs the Essentials plan or higher.
      userPoolTier: "ESSENTIALS",
      deletionProtection: Fn.conditional(props.deletionProtection ?? false, "ACTIVE", "INACTIVE"),
      mfaConfiguration: props.mfaConfiguration ?? "OFF",
      autoVerifiedAttributes: ["email"],
      // Users are created by administrators, who also bind their certificates.
      adminCreateUserConfig: { allowAdminCreateUserOnly: true },
      passwordPolicy: {
        minimumLength: 8,
        requireLowercase: true,
        requireUppercase: true,
        requireNumbers: true,
        requireSymbols: true,
        temporaryPasswordValidityDays: 7,
      },
      accountRecoverySetting: { recoveryMechanism: [{ name: "verified_email", priority: 1 }] },
      usernameConfiguration: { caseSensitive: false },
      schema: [
        { name: "email", attributeDataType: "String", required: true, mutable: true, stringAttributeConstraints: { minLength: "3", maxLength: "256" } },
        {
          name: CERT_FINGERPRINT_ATTRIBUTE,
          attributeDataType: "String",
          mutable: true,
          developerOnlyAttribute: false,
          // Long enough for openssl's "sha256 Fingerprint=AB:CD:…" form (114 characters).
          stringAttributeConstraints: { minLength: "0", maxLength: "256" },
        },
      ],
      lambdaConfig: {
        // V3_0: like V2_0 for user sign-in, and also invoked for client_credentials tokens (machine
        // clients), which V2_0 would let Cognito issue unbound.
        preTokenGenerationConfig: { lambdaArn: props.preTokenGenerationFunction.arn, lambdaVersion: "V3_0" },
      },
    });
    // An authenticator app (TOTP) is the second factor when MFA is on; SMS would need an SNS role and
    // spend. A dynamic block: with MFA off, Cognito returns no software-token setting, so a static
    // `enabled = false` block would show as a change in every plan.
    this.userPool.addOverride("dynamic.software_token_mfa_configuration", {
      for_each: Fn.conditional(Op.eq(props.mfaConfiguration ?? "OFF", "OFF"), [], [true]),
      content: { enabled: true },
    });

    new LambdaPermission(this, "cognito-invokes-trigger", {
      statementId: "AllowCognitoPreTokenGeneration",
      action: "lambda:InvokeFunction",
      functionName: props.preTokenGenerationFunction.functionName,
      principal: "cognito-idp.amazonaws.com",
      sourceArn: this.userPool.arn,
    });

    // SRP: the password never leaves the client. Password auth only where asked for (trials, local).
    const baseFlows = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"];
    this.client = new BindingSafeUserPoolClient(this, "client", {
      name: `${props.namePrefix}-client`,
      userPoolId: this.userPool.id,
      generateSecret: false,
      explicitAuthFlows: Fn.concat([
        baseFlows,
        Fn.conditional(props.enableUserPasswordAuth ?? false, ["ALLOW_USER_PASSWORD_AUTH"], []),
        Fn.conditional(props.enableAdminPasswordAuth ?? false, ["ALLOW_ADMIN_USER_PASSWORD_AUTH"], []),
      ]),
      readAttributes: ["email", "email_verified", `custom:${CERT_FINGERPRINT_ATTRIBUTE}`],
      // Deliberately without custom:cert_fingerprint: a user must not bind their own certificate.
      writeAttributes: ["email"],
      preventUserExistenceErrors: "ENABLED",
      enableTokenRevocation: true,
      accessTokenValidity: props.accessTokenValidityMinutes ?? 60,
      idTokenValidity: 60,
      refreshTokenValidity: 30,
      tokenValidityUnits: [{ accessToken: "minutes", idToken: "minutes", refreshToken: "days" }],
    });

    // Ids from the name (not the position), so adding a group never renames another.
    const groupId = (name: string) => `group-${name.replace(/[^A-Za-z0-9-]/g, "").slice(0, 40)}-${createHash("sha256").update(name).digest("hex").slice(0, 8)}`;
    this.groups = (props.groups ?? []).map((group) => new CognitoUserGroup(this, groupId(group), {
      userPoolId: this.userPool.id,
      name: terraformLiteral(group),
      description: "Members get this group's scopes (api.groupScopes) in their access tokens",
    }));
    // Clients created elsewhere in the stack, or overrides, fail the synth the same way.
    this.node.addValidation({ validate: () => clientsWritingTheBinding(this) });
  }
}
