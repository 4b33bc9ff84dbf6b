/**
 * The whole certificate-bound API as one Terraform stack: the authorizer, the binding
 * trigger and one function per `x-cbat-handler` of the API document (all bundled from
 * handlers/), the Cognito pool with its machine clients (if any), the REST API with the
 * document's routes behind the authorizer, and the mutual-TLS custom domain. Deployment-specific values are Terraform variables, so
 * synthesis needs no input and no AWS credentials.
 */
import { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { builtInApi, describeBackend, routeKey, type ApiDefinition } from "./api-document";
import { resourceServerScopes } from "./api-scopes";
import { checkRestApiQuotas } from "./rest-api-quotas";
import { apiToServe } from "./local-integrations";
import { checkAppClientsPerPool } from "./cognito-quotas";
import { BindingTrigger } from "./binding-trigger";
import { BundledFunction } from "./bundled-function";
import { CertBoundAuthorizer } from "./cert-bound-authorizer";
import { terraformLiteral } from "./terraform-literal";
import { CertBoundUserPool } from "./cert-bound-user-pool";
import { MtlsCustomDomain } from "./mtls-custom-domain";
import { MtlsRestApi } from "./mtls-rest-api";
import { type BackendSettings, type EnvironmentSettings } from "./deployment-config";
import { DeploymentConfigError } from "./deployment-config-error";
import { OperationsInputs } from "./operations-inputs";
import { ProductionOperations } from "./production-operations";
import { revocationSourceOf } from "./revocation-environment";
import type { MachineClientDefinition } from "./machine-client-definition";
import { machineBindingsPath, MachineClients } from "./machine-clients";
import { StackInputs } from "./stack-inputs";
import { TruststoreKmsAccess } from "./truststore-kms-access";
import { TruststoreVersion } from "./truststore-version";
import { PACKAGE } from "./package-layout";
import { addStateBackend } from "./state-backend";
import { MtlsTokenEndpoint } from "./token-endpoint";
import { TokenEndpointInputs } from "./token-endpoint-inputs";
import { TokenEndpointOperations } from "./token-endpoint-operations";
import { VoucherKey } from "./voucher-key";

export interface CertBoundApiStackProps {
  /**
   * Prefix of every AWS resource name, so several copies coexist in one account and region.
   * @default the stack name
   */
  readonly namePrefix?: string;
  /**
   * The environment this stack deploys; its settings become the variables' defaults.
   * @default none: log_retention_days 30, enable_admin_password_auth false, enable_user_password_auth false, user_pool_deletion_protection true, manage_api_gateway_account true
   */
  readonly environment?: EnvironmentSettings;
  /**
   * Where Terraform keeps the state.
   * @default a local file at the project root, by relative path (same JSON in every checkout)
   */
  readonly backend?: BackendSettings;
  /**
   * The API behind the binding: routes, scopes, backends, group scopes (see stacks/api-document.ts).
   * @default the built-in document: `GET /example` → the example handler, no scope
   */
  readonly api?: ApiDefinition;
  /**
   * Machine clients (client_credentials), each bound to its certificate (see stacks/machine-client-config.ts).
   * @default none: no resource server, domain or machine client
   */
  readonly machineClients?: readonly MachineClientDefinition[];
  /**
   * Synthesized for `npm run local`, never applied: the API's `api.localIntegrations` are served,
   * and backends on loopback or private hosts are accepted (stacks/local-integrations.ts).
   * @default false: such backends are refused, as AWS cannot reach them
   */
  readonly localRun?: boolean;
}

/** Lambda's 64 characters, less the "-role" that names the function's role after it. */
const MAX_FUNCTION_NAME = 59;

export class CertBoundApiStack extends TerraformStack {
  readonly inputs: StackInputs;

  constructor(scope: Construct, name: string, props: CertBoundApiStackProps = {}) {
    super(scope, name);
    const namePrefix = props.namePrefix ?? name;
    if (!/^[a-z][a-z0-9-]{0,30}$/.test(namePrefix)) {
      throw new Error(`CertBoundApiStack ${name}: namePrefix "${namePrefix}" must be 1-31 lowercase letters, digits or '-', starting with a letter`);
    }

    addStateBackend(this, name, props.backend ?? { type: "local" }, props.environment?.name);

    const machineClients = props.machineClients ?? [];
    this.inputs = new StackInputs(this, props.environment, { machineClients: machineClients.length > 0 });
    const inputs = this.inputs;
    const operationsInputs = new OperationsInputs(this, { manageApiGatewayAccount: props.environment?.manageApiGatewayAccount });
    const xrayTracingEnabled = operationsInputs.xrayTracingEnabled.booleanValue;

    new AwsProvider(this, "aws", {
      region: inputs.awsRegion.stringValue,
      defaultTags: [{
        tags: { project: "cert-bound-access-tokens", stack: name, "managed-by": "cdktf", ...(props.environment ? { environment: props.environment.name } : {}) },
      }],
    });

    const api = apiToServe(props.api ?? builtInApi(), props.localRun ?? false);
    checkRestApiQuotas(api, api.quotas);
    checkAppClientsPerPool((props.machineClients ?? []).length, api.quotas);
    const logRetentionDays = inputs.logRetentionDays.numberValue;
    // The mTLS token endpoint's voucher key (machine clients only); the trigger verifies with it.
    // Clients that name a tokenEndpointAuthMethod use the stack's mTLS token endpoint; their
    // registrations are in their registry entries (one SSM parameter each), like their bindings.
    const endpointClients = machineClients.filter((client) => client.tokenEndpointAuthMethod !== undefined);
    const voucherKey = endpointClients.length > 0 ? new VoucherKey(this, "voucher-key", { namePrefix }) : undefined;
    const bindingsPath = machineClients.length > 0 ? machineBindingsPath(namePrefix) : undefined;
    const preTokenGeneration = new BindingTrigger(this, "pre-token-generation", {
      namePrefix,
      groupScopes: api.groupScopes,
      machineBindingsPath: bindingsPath,
      voucherKeyArn: voucherKey?.key.arn,
      logRetentionDays,
      xrayTracingEnabled,
    });
    const userPool = new CertBoundUserPool(this, "user-pool", {
      namePrefix,
      preTokenGenerationFunction: preTokenGeneration.function,
      enableAdminPasswordAuth: inputs.enableAdminPasswordAuth.booleanValue,
      enableUserPasswordAuth: inputs.enableUserPasswordAuth.booleanValue,
      mfaConfiguration: inputs.mfaConfiguration.stringValue,
      deletionProtection: inputs.userPoolDeletionProtection.booleanValue,
      groups: Object.keys(api.groupScopes),
      accessTokenValidityMinutes: inputs.accessTokenValidityMinutes.numberValue,
    });
    const machine = machineClients.length === 0 ? undefined : new MachineClients(this, "machine-clients", {
      namePrefix,
      userPool: userPool.userPool,
      resourceServer: api.resourceServer,
      scopes: resourceServerScopes(api.resourceServer, [...api.routes.map((route) => route.scopes), ...Object.values(api.groupScopes), ...machineClients.map((client) => client.scopes)]),
      clients: machineClients,
      domainPrefix: inputs.userPoolDomainPrefix.stringValue,
      accessTokenValidityMinutes: inputs.accessTokenValidityMinutes.numberValue,
    });
    machine?.grantRead(preTokenGeneration.role);
    voucherKey?.grant(preTokenGeneration.role, "kms:VerifyMac", "trigger-verifies");
    // One truststore version for the custom domain, the authorizer and the token endpoint: every upload shows in the plan.
    const truststore = new TruststoreVersion(this, "truststore-version", { bucket: inputs.bucketName.stringValue, key: inputs.caCertKey.stringValue, pinned: inputs.truststoreVersion });
    const tokenEndpoint = machine && voucherKey ? new MtlsTokenEndpoint(this, "token-endpoint", {
      namePrefix, clients: endpointClients, appClients: machine.clients, registry: machine, userPoolId: userPool.userPool.id, cognitoTokenEndpoint: machine.tokenEndpoint,
      inputs, truststoreVersion: truststore.versionIdOrEmpty, voucherKey, logRetentionDays, xrayTracingEnabled,
    }) : undefined;
    const machineClientIds = machineClients.map((client) => machine!.clients[client.name].id);

    const authorizer = new CertBoundAuthorizer(this, "authorizer", {
      namePrefix,
      api,
      userPoolId: userPool.userPool.id,
      userPoolClientId: userPool.client.id,
      machineBindingsPath: bindingsPath,
      accessTokenValidityMinutes: inputs.accessTokenValidityMinutes.stringValue,
      revocation: revocationSourceOf(inputs, truststore.versionIdOrEmpty),
      logRetentionDays,
      reservedConcurrentExecutions: operationsInputs.authorizerReservedConcurrency.numberValue,
      xrayTracingEnabled,
    });
    machine?.grantRead(authorizer.role, "authorizer");
    if (tokenEndpoint) new TruststoreKmsAccess(this, "token-endpoint-truststore-kms", { role: tokenEndpoint.fn.role, kmsKeyArn: inputs.truststoreKmsKeyArn.stringValue, crlKey: inputs.crlKey.stringValue });
    const handlerFunctions: Record<string, LambdaFunction> = {};
    for (const route of api.routes) {
      if (route.backend.kind !== "handler" || handlerFunctions[route.backend.handler]) continue;
      const handler = route.backend.handler;
      const served = api.routes.filter((r) => r.backend.kind === "handler" && r.backend.handler === handler).map(routeKey);
      const functionName = `${namePrefix}-${handler}`;
      if (functionName.length > MAX_FUNCTION_NAME) {
        throw new DeploymentConfigError("api.openapi", `x-cbat-handler "${handler}" (${served.join(", ")}): the function name ${functionName} is longer than ${MAX_FUNCTION_NAME} characters in stack ${name}; use a shorter handler name`);
      }
      if (this.node.tryFindChild(handler)) {
        throw new DeploymentConfigError("api.openapi", `x-cbat-handler "${handler}" (${served.join(", ")}) has the name of a part of the stack; rename handlers/${handler}.ts`);
      }
      handlerFunctions[handler] = new BundledFunction(this, handler, {
        handlerName: handler,
        handlersDir: api.handlersDir,
        functionName,
        description: terraformLiteral(`API backend (x-cbat-handler ${handler}): ${served.join(", ")}`.slice(0, 250)),
        logRetentionDays,
        memorySize: 128,
        xrayTracingEnabled,
      }).function;
    }

    const operations = new ProductionOperations(this, "operations", { namePrefix, logRetentionDays, inputs: operationsInputs });
    const restApi = new MtlsRestApi(this, "rest-api", {
      namePrefix,
      authorizerFunction: authorizer.function,
      api,
      handlerFunctions,
      stageName: "prod",
      stageSettings: operations.stageSettings,
      unauthorizedRoutes: tokenEndpoint?.routes,
    });
    const { dashboard } = operations.watch({ restApi, api, authorizer, preTokenGeneration, tokenEndpoint: tokenEndpoint?.fn });
    if (tokenEndpoint) {
      new TokenEndpointOperations(this, "token-endpoint-operations", {
        namePrefix, restApi: restApi.api, stage: restApi.stage, logGroup: tokenEndpoint.fn.logGroup, inputs: new TokenEndpointInputs(this), alarmTopicArn: operationsInputs.alarmTopicArn.stringValue,
      });
    }

    const customDomain = new MtlsCustomDomain(this, "custom-domain", {
      domainName: inputs.customDomainName.stringValue,
      certificateArn: inputs.customDomainCertArn.stringValue,
      truststoreBucket: inputs.bucketName.stringValue,
      truststoreKey: inputs.caCertKey.stringValue,
      truststoreVersion: truststore.versionId,
      ownershipVerificationCertificateArn: inputs.ownershipVerificationCertificateArn.stringValue,
      restApiId: restApi.api.id,
      stageName: restApi.stage.stageName,
      route53ZoneId: inputs.route53ZoneId.stringValue,
    });

    const output = (id: string, value: string, description: string) =>
      new TerraformOutput(this, id, { value, description }).overrideLogicalId(id);
    output("custom_domain_url", `https://${customDomain.domain.domainName}`, "Base URL of the API (mutual TLS).");
    output("user_pool_id", userPool.userPool.id, "Cognito user pool id.");
    output("user_pool_client_id", userPool.client.id, "Cognito app client id (no secret).");
    output("api_id", restApi.api.id, "REST API id.");
    output("regional_domain_name", customDomain.domain.regionalDomainName, "Target of the DNS alias/CNAME record for custom_domain_name.");
    new TerraformOutput(this, "api_routes", {
      value: Object.fromEntries(api.routes.map((route) => [routeKey(route), { scopes: route.scopes.map(terraformLiteral), backend: terraformLiteral(describeBackend(route.backend)) }])),
      description: `Routes of ${api.source === "built-in" ? "the built-in API" : "the API document"}: required scopes and backend of each.`,
    }).overrideLogicalId("api_routes");
    output("regional_zone_id", customDomain.domain.regionalZoneId, "Hosted zone id of regional_domain_name, for a Route 53 alias record.");
    output("access_log_group", operations.accessLog.logGroup.name, "CloudWatch log group of the stage's access log (one JSON line per request).");
    output("dashboard_name", dashboard.dashboard.dashboardName, "CloudWatch dashboard of decisions, alarms' metrics, latency and errors.");
    new TerraformOutput(this, "machine_client_ids", {
      value: Object.fromEntries(machineClients.map((client, index) => [client.name, machineClientIds[index]])),
      description: "App client id of each machine client (machineClients), by name. Their secrets are no outputs: aws cognito-idp describe-user-pool-client --user-pool-id … --client-id … --query UserPoolClient.ClientSecret",
    }).overrideLogicalId("machine_client_ids");
    // Literals known at synth: plans show reviewers each client's bound certificate, also before its id exists.
    new TerraformOutput(this, "machine_client_bindings", {
      value: Object.fromEntries(machineClients.map((client) => [client.name, {
        scopes: client.scopes.map(terraformLiteral),
        x5t_s256: client.x5tS256,
        // tls_client_auth: which certificates may authenticate, as reviewers need to see it (no issuer_dn: any truststore CA).
        ...(client.tlsClientAuth ? { subject_dn: terraformLiteral(client.tlsClientAuth.subjectDn) } : {}),
        ...(client.tlsClientAuth?.issuerDn !== undefined ? { issuer_dn: terraformLiteral(client.tlsClientAuth.issuerDn) } : {}),
      }])),
      description: "Each machine client's scopes and the x5t#S256 of the certificate its tokens are bound to (tls_client_auth clients: the subject and issuer DNs that may authenticate), by name.",
    }).overrideLogicalId("machine_client_bindings");
    new TerraformOutput(this, "group_scopes", {
      value: Object.fromEntries(Object.entries(api.groupScopes).map(([group, scopes]) => [terraformLiteral(group), scopes.map(terraformLiteral)])),
      description: "The scopes the binding trigger adds to the access tokens of each Cognito group's members (api.groupScopes).",
    }).overrideLogicalId("group_scopes");
    // A version bump of the package shows in every plan review (CHANGELOG.md says what else changes).
    output("cbat_version", `${PACKAGE.name}@${PACKAGE.version}`, "The cert-bound-access-tokens package (name@version) this stack was synthesized with.");
    if (machine) output("token_endpoint", machine.tokenEndpoint, "OAuth token endpoint of the machine clients (client_credentials): https://<user_pool_domain_prefix>.auth.<region>.amazoncognito.com/oauth2/token.");
    if (machine) {
      new TerraformOutput(this, "machine_client_auth_methods", {
        value: Object.fromEntries(machineClients.map((client) => [client.name, client.tokenEndpointAuthMethod ?? "self_signed_tls_client_auth"])),
        description: "How each machine client authenticates at the mTLS token endpoint (RFC 8705 §2): tls_client_auth (subject DN) or self_signed_tls_client_auth (pinned certificate).",
      }).overrideLogicalId("machine_client_auth_methods");
    }
    if (tokenEndpoint) output("mtls_token_endpoint", `https://${customDomain.domain.domainName}/oauth2/token`, "The stack's mTLS token endpoint (RFC 8705 §2): machine clients get bound tokens with their certificate alone, no secret.");
  }
}
