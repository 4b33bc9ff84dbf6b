/**
 * A loopback stand-in for AWS Systems Manager's GetParameter (the true edge: no AWS account
 * here), speaking SSM's JSON 1.1 protocol to the real AWS SDK v3 client. It counts the calls it
 * answers and refuses requests that are not SigV4-signed for ssm in its region, as SSM would.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export class SsmStandIn {
  /** GetParameter calls answered (successfully or not). */
  calls = 0;
  private readonly parameters = new Map<string, string>();
  private server?: Server;

  constructor(readonly region = "eu-west-1") {}

  put(name: string, value: string): void {
    this.parameters.set(name, value);
  }

  delete(name: string): void {
    this.parameters.delete(name);
  }

  async listen(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const send = (status: number, body: unknown) => {
          res.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
          res.end(JSON.stringify(body));
        };
        this.calls++;
        const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(String(req.headers.authorization ?? ""));
        if (!scope || scope[1] !== this.region || scope[2] !== "ssm") return send(400, { __type: "InvalidSignatureException", message: "Credential should be scoped to a valid region and service" });
        if (req.headers["x-amz-target"] !== "AmazonSSM.GetParameter") return send(400, { __type: "UnknownOperationException", message: "only GetParameter" });
        const name = String(JSON.parse(Buffer.concat(chunks).toString("utf8")).Name);
        const value = this.parameters.get(name);
        if (value === undefined) return send(400, { __type: "ParameterNotFound", message: "" });
        send(200, { Parameter: { Name: name, Type: "String", Value: value, Version: 1, ARN: `arn:aws:ssm:${this.region}:123456789012:parameter${name}`, DataType: "text" } });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
  }
}
