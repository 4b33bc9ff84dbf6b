/** API Gateway REST events shaped as AWS sends them, for handler tests. */
export const METHOD_ARN = "arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/prod/GET/example";

export interface RequestEventOptions {
  /** Full Authorization header value; omitted when undefined. */
  readonly authorization?: string;
  readonly certPem?: string | null;
  readonly subjectDN?: string;
  readonly headers?: Record<string, string>;
  readonly multiValueHeaders?: Record<string, string[]>;
}

export function requestAuthorizerEvent(options: RequestEventOptions = {}): Record<string, any> {
  const headers: Record<string, string> = { Host: "api.example.com", "User-Agent": "curl/8.5.0", ...(options.headers ?? {}) };
  if (options.authorization !== undefined) headers.Authorization = options.authorization;
  const multiValueHeaders =
    options.multiValueHeaders ?? Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));
  const clientCert =
    options.certPem === null
      ? undefined
      : {
          clientCertPem: options.certPem,
          subjectDN: options.subjectDN ?? "CN=client,O=cbat tests",
          issuerDN: "CN=Test Root CA,O=cbat tests",
          serialNumber: "01",
          validity: { notBefore: "Jan 1 00:00:00 2026 GMT", notAfter: "Jan 1 00:00:00 2027 GMT" },
        };
  return {
    type: "REQUEST",
    methodArn: METHOD_ARN,
    resource: "/example",
    path: "/example",
    httpMethod: "GET",
    headers,
    multiValueHeaders,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      resourceId: "abc123",
      resourcePath: "/example",
      httpMethod: "GET",
      requestId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
      path: "/example",
      accountId: "123456789012",
      stage: "prod",
      domainName: "api.example.com",
      apiId: "abcdef1234",
      identity: { sourceIp: "203.0.113.7", userAgent: "curl/8.5.0", clientCert },
    },
  };
}
