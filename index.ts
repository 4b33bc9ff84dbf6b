/**
 * The public API of the cert-bound-access-tokens package (`exports` "." of package.json): the
 * stack, the constructs a team composes into a stack of its own, and the config loader.
 * Everything else is internal. This repository's own app (main.ts) uses only this module; a
 * test keeps it so.
 */
export { CertBoundApiStack, type CertBoundApiStackProps } from "./stacks/cert-bound-api-stack";
export { defineStacks } from "./stacks/app-stacks";
export { STACK_NAME } from "./stacks/stack-name";

// The constructs: the REST API with its authorizer, the user pool with its trigger, the machine
// clients, production operations, the mutual-TLS custom domain, and a function from a handler bundle.
export { MtlsRestApi, type MtlsRestApiProps } from "./stacks/mtls-rest-api";
export { CertBoundAuthorizer, type CertBoundAuthorizerProps } from "./stacks/cert-bound-authorizer";
export type { RevocationSource } from "./stacks/revocation-environment";
export { CertBoundUserPool, type CertBoundUserPoolProps } from "./stacks/cert-bound-user-pool";
export { BindingTrigger, type BindingTriggerProps } from "./stacks/binding-trigger";
export { MachineClients, type MachineClientsProps } from "./stacks/machine-clients";
export { ProductionOperations, type ProductionOperationsProps } from "./stacks/production-operations";
export { OperationsInputs } from "./stacks/operations-inputs";
export { MtlsCustomDomain, type MtlsCustomDomainProps } from "./stacks/mtls-custom-domain";
export { BundledFunction, type BundledFunctionProps } from "./stacks/bundled-function";

// The config loader (cbat.config.json) and what it returns.
export {
  loadDeploymentConfig, DeploymentConfigError, DEFAULT_HANDLERS_DIR,
  type DeploymentConfig, type LoadOptions, type BackendSettings, type EnvironmentSettings,
} from "./stacks/deployment-config";
export { loadApiDocument, parseApiDocument, builtInApi, ApiDocumentError, type ApiDefinition, type ApiRoute, type LoadApiOptions } from "./stacks/api-document";
export type { MachineClientDefinition } from "./stacks/machine-client-definition";

/** `cert-bound-access-tokens@<version>`, the `cbat_version` output of every stack. */
export { PACKAGE } from "./stacks/package-layout";
