/**
 * Modules that only revocation checking or the machine-client registry needs, loaded on first use.
 * `require`, not `import`: esbuild then wraps each in a function that runs when first called, so a
 * cold start without revocation or a registry neither compiles nor runs them (the CRL parser and
 * its DER library are more than half the authorizer's bundle). Bundles also run inside Jest's
 * module system, which has no `import()`.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
export const revocationCheckModule = () => require("./revocation-check") as typeof import("./revocation-check");
export const revocationEnvironmentModule = () => require("./revocation-environment") as typeof import("./revocation-environment");
export const revocationFileSourceModule = () => require("./revocation-file-source") as typeof import("./revocation-file-source");
export const revocationS3SourceModule = () => require("./revocation-s3-source") as typeof import("./revocation-s3-source");
export const ssmMachineBindingsModule = () => require("./ssm-machine-bindings") as typeof import("./ssm-machine-bindings");
