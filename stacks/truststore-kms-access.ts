/**
 * A truststore or CRL bucket encrypted with a customer-managed KMS key (SSE-KMS): reading its
 * objects needs `kms:Decrypt` on that key too, or every read fails and, with `crl_key` set,
 * every request is refused `crl_stale`. This grants exactly that: `kms:Decrypt` on the key
 * `truststore_kms_key_arn` only, and only through S3 in the stack's region (`kms:ViaService`;
 * AWS KMS Developer Guide, "kms:ViaService"). Nothing when the key is null (S3-managed keys)
 * or revocation checking is off (the authorizer then reads nothing from S3).
 */
import { Construct } from "constructs";
import { Fn, Op, Token } from "cdktf";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";

export interface TruststoreKmsAccessProps {
  /** The authorizer's execution role. */
  readonly role: IamRole;
  /** Nullable Terraform expression: the bucket's customer-managed key, or null. */
  readonly kmsKeyArn: string;
  /** Nullable Terraform expression: null = revocation checking off, nothing is read. */
  readonly crlKey: string;
}

export class TruststoreKmsAccess extends Construct {
  readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: TruststoreKmsAccessProps) {
    super(scope, id);
    const region = new DataAwsRegion(this, "region").name;
    const needed = Op.and(Op.neq(props.kmsKeyArn, Token.nullValue()), Op.neq(props.crlKey, Token.nullValue()));
    this.policy = new IamRolePolicy(this, "decrypt-truststore", {
      count: Token.asNumber(Fn.conditional(needed, 1, 0)),
      name: "decrypt-truststore-bucket-key",
      role: props.role.id,
      policy: Fn.jsonencode({
        Version: "2012-10-17",
        Statement: [{
          Sid: "DecryptTruststoreAndCrlThroughS3",
          Effect: "Allow",
          Action: ["kms:Decrypt"],
          Resource: [props.kmsKeyArn],
          Condition: { StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } },
        }],
      }),
    });
  }
}
