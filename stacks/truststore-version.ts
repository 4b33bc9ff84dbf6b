/**
 * Which S3 version of the truststore API Gateway and the authorizer use. API Gateway loads a
 * custom domain's truststore when the domain is created or its `truststoreVersion` changes; a new
 * upload under the same key is not picked up by itself ("To update the truststore, upload a new
 * certificate bundle to Amazon S3. Then, you can update your custom domain name to use the
 * updated certificate": API Gateway Developer Guide, "Configuring mutual TLS authentication for a
 * REST API", rest-api-mutual-tls.html). With `truststore_version = null` the stack therefore
 * reads the object's current version id at plan time (data source `aws_s3_object`), so every
 * upload shows in the plan as a version change of the custom domain and takes effect on apply.
 * The bucket must be versioned: without versioning there is no version id, and the plan stops
 * with what to do.
 */
import { Construct } from "constructs";
import { Fn, Op, Token, type TerraformVariable } from "cdktf";
import { DataAwsS3Object } from "@cdktf/provider-aws/lib/data-aws-s3-object";

/**
 * Logical id of the data source (`data.aws_s3_object.truststore_object`): the offline override
 * (scripts/terraform/offline-provider.ts) names it to skip the read when there is no AWS to ask.
 */
export const TRUSTSTORE_OBJECT_ID = "truststore_object";

export interface TruststoreVersionProps {
  readonly bucket: string;
  readonly key: string;
  /** The `truststore_version` variable: a pinned version id, or null to follow the latest upload. */
  readonly pinned: TerraformVariable;
}

export class TruststoreVersion extends Construct {
  /** Read only when no version is pinned (count 0 or 1). */
  readonly object: DataAwsS3Object;
  /** The version id both the custom domain and the authorizer use: the pinned one, else the latest at plan time. */
  readonly versionId: string;
  /** The same, or "" when unknown (an offline plan without a pinned version): the authorizer then reads the latest. */
  readonly versionIdOrEmpty: string;

  constructor(scope: Construct, id: string, props: TruststoreVersionProps) {
    super(scope, id);
    const pinned = `var.${props.pinned.friendlyUniqueId}`;
    this.object = new DataAwsS3Object(this, "object", {
      count: Token.asNumber(Fn.conditional(Op.eq(props.pinned.stringValue, Token.nullValue()), 1, 0)),
      bucket: props.bucket,
      key: props.key,
      lifecycle: {
        postcondition: [{
          // An unversioned bucket has no version id; a suspended one gives "null" to new uploads.
          condition: '${self.version_id != null && self.version_id != "" && self.version_id != "null"}',
          errorMessage: "The truststore s3://${self.bucket}/${self.key} has no S3 version id: the bucket is not versioned. API Gateway loads a new truststore only when the custom domain's truststore version changes, so this stack needs one. Enable versioning (aws s3api put-bucket-versioning --bucket ${self.bucket} --versioning-configuration Status=Enabled), upload the truststore again, and plan again; or pin truststore_version.",
        }],
      },
    });
    this.object.overrideLogicalId(TRUSTSTORE_OBJECT_ID);
    const latest = `one(data.aws_s3_object.${TRUSTSTORE_OBJECT_ID}[*].version_id)`;
    this.versionId = `\${${pinned} != null ? ${pinned} : ${latest}}`;
    this.versionIdOrEmpty = `\${${pinned} != null ? ${pinned} : ${latest} == null ? "" : ${latest}}`;
  }
}
