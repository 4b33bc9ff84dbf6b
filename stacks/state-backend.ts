/**
 * Where a stack's Terraform state lives: a local file (default), S3 with native locking,
 * or HCP Terraform.
 */
import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TaggedCloudWorkspaces, type TerraformStack } from "cdktf";
import type { BackendSettings } from "./deployment-config";

/**
 * @param stackName also names the state file / S3 key
 * @param environment suffix of a named HCP Terraform workspace when several environments share one setting
 */
export function addStateBackend(stack: TerraformStack, stackName: string, backend: BackendSettings, environment?: string): void {
  switch (backend.type) {
    case "local":
      // Relative to cdktf.out/stacks/<name>/: the state lives at the project root, like
      // cdktf's default, but without an absolute path in the synthesized JSON.
      new LocalBackend(stack, { path: `../../../terraform.${stackName}.tfstate` });
      return;
    case "s3":
      new S3Backend(stack, { bucket: backend.bucket, key: `${backend.keyPrefix}${stackName}/terraform.tfstate`, region: backend.region, encrypt: true });
      // S3-native state locking (Terraform >= 1.10); cdktf 0.21's S3Backend has no prop for it.
      stack.addOverride("terraform.backend.s3.use_lockfile", true);
      return;
    case "cloud":
      new CloudBackend(stack, {
        organization: backend.organization,
        hostname: backend.hostname,
        workspaces: backend.workspace !== undefined
          ? new NamedCloudWorkspace(environment ? `${backend.workspace}-${environment}` : backend.workspace)
          : new TaggedCloudWorkspaces([...(backend.workspaceTags ?? [])]),
      });
      return;
  }
}
