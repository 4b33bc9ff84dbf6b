/**
 * moto's recording as the deploy cycle reads it: the signing service, method and path of each
 * call, also when moto wrote two concurrent entries onto one line (it writes an entry and its
 * line break separately). The recorder's HTTP side is exercised by `npm run test:deploy`.
 */
import { parseRecording } from "../../scripts/deploy-cycle/moto-recorder";

const entry = (service: string, method: string, url: string, body = "") => JSON.stringify({
  headers: { Authorization: `AWS4-HMAC-SHA256 Credential=AKIA/20261203/eu-west-1/${service}/aws4_request, SignedHeaders=host, Signature=00` },
  method, url, body, body_encoded: false,
});

it("reads each call's service, method and decoded path, in order", () => {
  const text = `${entry("apigateway", "PUT", "http://127.0.0.1:5000/restapis/abc/resources/r1/methods/DELETE")}\n${entry("lambda", "POST", "http://127.0.0.1:5000/2015-03-31/functions/cbat-example/policy")}\n`;
  expect(parseRecording(text)).toEqual([
    { service: "apigateway", method: "PUT", path: "/restapis/abc/resources/r1/methods/DELETE" },
    { service: "lambda", method: "POST", path: "/2015-03-31/functions/cbat-example/policy" },
  ]);
  expect(parseRecording(entry("apigateway", "GET", "http://127.0.0.1:5000/restapis/abc/resources/%7Bid%7D"))[0].path).toBe("/restapis/abc/resources/{id}");
});

it("splits two entries that concurrent requests put on one line", () => {
  const merged = `${entry("lambda", "PUT", "http://h/2015-03-31/functions/a-authorizer/code", "x}{y")}${entry("apigateway", "POST", "http://h/restapis/abc/deployments")}\n`;
  expect(parseRecording(merged).map((c) => `${c.service} ${c.method} ${c.path}`)).toEqual([
    "lambda PUT /2015-03-31/functions/a-authorizer/code",
    "apigateway POST /restapis/abc/deployments",
  ]);
});
