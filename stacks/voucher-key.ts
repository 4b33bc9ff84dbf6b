/**
 * The voucher key (handlers/lib/client-voucher.ts): a KMS HMAC_256 key whose material never
 * leaves KMS. The token function may only generate MACs with it (kms:GenerateMac), the pre token
 * generation trigger only verify them (kms:VerifyMac); no other principal of the stack may use it.
 * It exists before the user pool (the trigger's environment names it), so it takes no client input.
 * KMS: HMAC keys cost like any customer managed key and do not support automatic rotation.
 */
import { Construct } from "constructs";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";

export class VoucherKey extends Construct {
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: { readonly namePrefix: string }) {
    super(scope, id);
    this.key = new KmsKey(this, "key", {
      description: `${props.namePrefix}: MACs of the token endpoint's certificate vouchers (RFC 8705 tls_client_auth), verified by the pre token generation trigger`,
      customerMasterKeySpec: "HMAC_256",
      keyUsage: "GENERATE_VERIFY_MAC",
      deletionWindowInDays: 7,
    });
  }

  /** `role` may call exactly `action` on exactly this key. */
  grant(role: IamRole, action: "kms:GenerateMac" | "kms:VerifyMac", id: string): IamRolePolicy {
    const document = new DataAwsIamPolicyDocument(this, `${id}-document`, {
      statement: [{ effect: "Allow", actions: [action], resources: [this.key.arn] }],
    });
    return new IamRolePolicy(this, id, { name: action === "kms:GenerateMac" ? "generate-voucher-macs" : "verify-voucher-macs", role: role.id, policy: document.json });
  }
}
