/** Issue 21: a body over the limit gets the caller's answer (400 invalid_request at /oauth2/token), not a connection reset. Real loopback HTTP. */
import { createServer, request } from "node:http";
import { BodyTooLargeError, readBody } from "../../local/read-body";
import { TestServers } from "../support/test-servers";

const servers = new TestServers();
let port: number;
beforeAll(async () => {
  port = await servers.listen(createServer(async (req, res) => {
    try {
      const body = await readBody(req, 16 * 1024);
      res.writeHead(200).end(String(body.length));
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      res.writeHead(400, { "content-type": "application/json", connection: "close" }).end(JSON.stringify({ error: "invalid_request" }));
    }
  }));
});
afterAll(() => servers.close());

const post = (bytes: number) => new Promise<{ status: number; body: string }>((resolve, reject) => {
  const req = request({ host: "127.0.0.1", port, method: "POST", path: "/oauth2/token", headers: { "content-type": "application/x-www-form-urlencoded" } }, (res) => {
    let body = "";
    res.on("data", (chunk) => (body += chunk));
    res.on("end", () => resolve({ status: res.statusCode!, body }));
  });
  req.on("error", reject);
  req.end(Buffer.alloc(bytes, 0x61));
});

it("a body over 16 KB is answered 400 invalid_request (it was a connection reset)", async () => {
  expect(await post(20 * 1024)).toEqual({ status: 400, body: '{"error":"invalid_request"}' });
  expect(await post(16 * 1024)).toEqual({ status: 200, body: String(16 * 1024) });
});
