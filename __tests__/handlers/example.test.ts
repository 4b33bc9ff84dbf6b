import { handler } from "../../handlers/example";
import { requestAuthorizerEvent } from "../support/events";

describe("example function", () => {
  it("answers 200 with the hello message and the event, Authorization redacted", async () => {
    const token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    const event = {
      ...requestAuthorizerEvent({ authorization: `Bearer ${token}`, certPem: "PEM" }),
      headers: { authorization: `Bearer ${token}`, Accept: "*/*" },
      multiValueHeaders: { Authorization: [`Bearer ${token}`, "second"], Accept: ["*/*"] },
    };
    const result = await handler(event);
    expect(result.statusCode).toBe(200);
    expect(result.headers["content-type"]).toBe("application/json");
    expect(result.body).not.toContain(token);
    const body = JSON.parse(result.body);
    expect(body.message).toBe("Hello from the example function!");
    expect(body.event.path).toBe("/example");
    expect(body.event.headers).toEqual({ authorization: "[REDACTED]", Accept: "*/*" });
    expect(body.event.multiValueHeaders).toEqual({ Authorization: ["[REDACTED]", "[REDACTED]"], Accept: ["*/*"] });
    expect(event.headers.authorization).toBe(`Bearer ${token}`); // the input is not mutated
  });
});
