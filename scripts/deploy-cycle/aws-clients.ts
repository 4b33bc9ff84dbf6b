/**
 * AWS SDK v3 clients for the deploy cycle's seeding and checks, all pointed at the stand-in
 * endpoint with the override's fake credentials (the true edge: there is no AWS account here).
 */
import { ACMClient } from "@aws-sdk/client-acm";
import { APIGatewayClient } from "@aws-sdk/client-api-gateway";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { IAMClient } from "@aws-sdk/client-iam";
import { KMSClient } from "@aws-sdk/client-kms";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { SSMClient } from "@aws-sdk/client-ssm";
import { FAKE_CREDENTIALS } from "../terraform/offline-provider";

export interface AwsClients {
  readonly s3: S3Client;
  readonly acm: ACMClient;
  readonly iam: IAMClient;
  readonly lambda: LambdaClient;
  readonly apiGateway: APIGatewayClient;
  readonly logs: CloudWatchLogsClient;
  readonly cognito: CognitoIdentityProviderClient;
  readonly kms: KMSClient;
  readonly ssm: SSMClient;
  destroy(): void;
}

export function awsClients(endpoint: string, region: string): AwsClients {
  const config = {
    endpoint,
    region,
    credentials: { accessKeyId: FAKE_CREDENTIALS.accessKey, secretAccessKey: FAKE_CREDENTIALS.secretKey },
    maxAttempts: 2,
  };
  const clients = {
    s3: new S3Client({ ...config, forcePathStyle: true }),
    acm: new ACMClient(config),
    iam: new IAMClient(config),
    lambda: new LambdaClient(config),
    apiGateway: new APIGatewayClient(config),
    logs: new CloudWatchLogsClient(config),
    cognito: new CognitoIdentityProviderClient(config),
    kms: new KMSClient(config),
    ssm: new SSMClient(config),
  };
  return { ...clients, destroy: () => Object.values(clients).forEach((client) => client.destroy()) };
}
