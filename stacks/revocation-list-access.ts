/**
 * With revocation checking on (`crl_key` set), the authorizer reads two objects: the CRL
 * bundle and the truststore. This grants exactly that, `s3:GetObject` on those two object
 * ARNs (and `s3:GetObjectVersion` on the truststore, read at the custom domain's version), and
 * nothing when `crl_key` is null. Object keys become IAM resource ARNs, where `*`,
 * `?` and `${…}` are patterns, so keys containing them are refused at plan time.
 */
import { Construct } from "constructs";
import { Fn, Op, Token } from "cdktf";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";

export interface RevocationListAccessProps {
  /** The authorizer's execution role. */
  readonly role: IamRole;
  readonly bucket: string;
  readonly truststoreKey: string;
  /** Nullable Terraform expression: null = revocation checking off, no policy. */
  readonly crlKey: string;
}

export class RevocationListAccess extends Construct {
  readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: RevocationListAccessProps) {
    super(scope, id);
    const partition = new DataAwsPartition(this, "partition").partition;
    const objectArn = (key: string) => `arn:${partition}:s3:::${props.bucket}/${key}`;
    // A literal key is checked here; a key known only at plan time by a precondition.
    for (const key of [props.truststoreKey, props.crlKey].filter((k) => !Token.isUnresolved(k))) {
      // `%{` too: in the synthesized JSON it is a Terraform template directive that could yield a '*'.
      if (/[*?]|\$\{|%\{/.test(key)) throw new Error(`RevocationListAccess ${id}: object key "${key}" contains '*', '?', '\${' or '%{': the authorizer's IAM policy names it by ARN, where those are patterns (or Terraform templates); rename the object`);
    }
    const planned = [props.truststoreKey, props.crlKey].filter((key) => Token.isUnresolved(key));
    this.policy = new IamRolePolicy(this, "read-revocation-lists", {
      count: Token.asNumber(Fn.conditional(Op.eq(props.crlKey, Token.nullValue()), 0, 1)),
      name: "read-crl-and-truststore",
      role: props.role.id,
      policy: Fn.jsonencode({
        Version: "2012-10-17",
        Statement: [
          { Sid: "ReadCrlBundleAndTruststore", Effect: "Allow", Action: ["s3:GetObject"], Resource: [objectArn(props.truststoreKey), objectArn(props.crlKey)] },
          // The authorizer reads the truststore at the custom domain's version (GetObject with versionId).
          { Sid: "ReadTruststoreVersion", Effect: "Allow", Action: ["s3:GetObjectVersion"], Resource: [objectArn(props.truststoreKey)] },
        ],
      }),
      lifecycle: planned.length === 0 ? undefined : {
        precondition: [{
          condition: `\${alltrue([for key in [${planned.join(", ")}] : !can(regex("[*?]|\\\\$\\\\{", key))])}`,
          // "$${" is Terraform's escape for a literal "${" in a message.
          errorMessage: "ca_cert_key and crl_key must not contain '*', '?' or '$${': the authorizer's IAM policy names both objects by ARN, where those are patterns. Rename the object.",
        }],
      },
    });
  }
}
