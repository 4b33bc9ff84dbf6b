/**
 * References to resources created with `count = cond ? 1 : 0`: cdktf renders `resource.attr`
 * without the index, which Terraform refuses for counted resources.
 */
import type { TerraformResource } from "cdktf";

/** The attribute of the one instance, or null when the count is 0 (`one(type.name[*].attr)`). */
export function attributeOfCounted(resource: TerraformResource, attribute: string): string {
  return `\${one(${resource.terraformResourceType}.${resource.friendlyUniqueId}[*].${attribute})}`;
}
