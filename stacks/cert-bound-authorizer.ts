/**
 * The certificate-bound authorizer: the REQUEST authorizer function (bundle of
 * handlers/authorizer.ts) with everything it decides with — the route table of the API
 * document, the user pool and app client whose tokens it verifies, the token lifetime it
 * accepts, the truststore and CRL bundle it checks revocation against — and exactly the reads
 * those need. MtlsRestApi puts it in front of every route of the document.
 */
import type { Construct } from "constructs";
import { Token } from "cdktf";
import { ROUTE_SCOPES_FILE } from "../handlers/lib/packaged-data";
import { routeKey, type ApiDefinition } from "./api-document";
import { BundledFunction, type BundledFunctionProps } from "./bundled-function";
import { revocationEnvironment, type RevocationSource } from "./revocation-environment";
import { RevocationListAccess } from "./revocation-list-access";
import { TruststoreKmsAccess } from "./truststore-kms-access";

export interface CertBoundAuthorizerProps {
  /** Names the function (`<namePrefix>-authorizer`), its role and log group. */
  readonly namePrefix: string;
  /** The routes: each one's required scopes go into the function's route table; a route not in it is refused `route_unknown`. */
  readonly api: ApiDefinition;
  /** The Cognito user pool whose access tokens are verified. */
  readonly userPoolId: string;
  /** The app client of the pool's users; machine clients are found through `machineBindingsPath`. */
  readonly userPoolClientId: string;
  /** The app clients' access token validity in minutes (text; Terraform expression allowed): longer-lived tokens are refused. */
  readonly accessTokenValidityMinutes: string;
  /** The truststore and CRL bundle (revocation-environment.ts; `revocationSourceOf` makes one of the stack's variables). */
  readonly revocation: RevocationSource;
  /**
   * SSM path of the machine-client binding registry (MachineClients); grant the role its read with `MachineClients.grantRead`.
   * @default none: only the user pool client's tokens pass
   */
  readonly machineBindingsPath?: string;
  /** Log retention in days (Terraform expression allowed). */
  readonly logRetentionDays: number;
  /** @default unreserved */
  readonly reservedConcurrentExecutions?: number;
  /** @default no tracing_config */
  readonly xrayTracingEnabled?: BundledFunctionProps["xrayTracingEnabled"];
}

export class CertBoundAuthorizer extends BundledFunction {
  constructor(scope: Construct, id: string, props: CertBoundAuthorizerProps) {
    const { revocation } = props;
    super(scope, id, {
      handlerName: "authorizer",
      functionName: `${props.namePrefix}-authorizer`,
      description: "API Gateway REQUEST authorizer: allows only access tokens bound to the mTLS client certificate (RFC 8705)",
      logRetentionDays: props.logRetentionDays,
      // "<METHOD> <resource path>" → the scopes the route requires; a route not listed is refused.
      packagedData: { [ROUTE_SCOPES_FILE]: Object.fromEntries(props.api.routes.map((route) => [routeKey(route), route.scopes])) },
      environment: {
        USER_POOL_ID: props.userPoolId,
        USER_POOL_CLIENT_ID: props.userPoolClientId,
        // Tokens of the clients registered there pass the same binding and scope checks (a list of ids would not fit 4 KB).
        ...(props.machineBindingsPath ? { MACHINE_BINDINGS_PATH: props.machineBindingsPath } : {}),
        // The same value as the clients' access_token_validity: the authorizer refuses longer-lived tokens.
        ACCESS_TOKEN_VALIDITY_MINUTES: props.accessTokenValidityMinutes,
        ...revocationEnvironment(revocation),
      },
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      xrayTracingEnabled: props.xrayTracingEnabled,
    });
    if (revocation.crlKey === null) return; // off: nothing to read
    // Beside the function, not inside it: the grants keep the Terraform addresses they had
    // before this construct existed, so an upgrade plans no replacement of them.
    const crlKey = revocation.crlKey;
    new RevocationListAccess(scope, `${id}-revocation`, { role: this.role, bucket: revocation.bucket, truststoreKey: revocation.truststoreKey, crlKey });
    new TruststoreKmsAccess(scope, `${id}-truststore-kms`, { role: this.role, kmsKeyArn: revocation.kmsKeyArn ?? Token.asString(Token.nullValue()), crlKey });
  }
}
