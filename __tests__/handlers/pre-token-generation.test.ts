import { createHash } from "node:crypto";
import { createPreTokenGenerationHandler, type PreTokenGenerationHandler, type PreTokenGenerationV2Event } from "../../handlers/pre-token-generation";
import { createCa, issueClientCert } from "../support/certificates";
import { GROUP_SCOPES_FILE } from "../../handlers/lib/packaged-data";
import { packageFolder } from "../support/packaged-data";

/** The Lambda entry point, loaded with the group table the stack packages (here: no groups). */
let handler: PreTokenGenerationHandler;
/** The error classes of that module registry (instanceof compares classes). */
let FingerprintFormatError: typeof import("../../handlers/lib/errors").FingerprintFormatError;
let FingerprintMissingError: typeof import("../../handlers/lib/errors").FingerprintMissingError;
beforeAll(() => {
  const folder = packageFolder({ [GROUP_SCOPES_FILE]: "{}" });
  jest.isolateModules(() => {
    handler = require("../../handlers/pre-token-generation").handler;
    ({ FingerprintFormatError, FingerprintMissingError } = require("../../handlers/lib/errors"));
  });
  folder.remove();
});

let der: Buffer;
beforeAll(async () => {
  der = (await issueClientCert(await createCa(), "CN=alice")).der;
});
const digest = () => createHash("sha256").update(der).digest();

/** A V2_0 event as Cognito sends it (see the pre token generation trigger documentation). */
function v2Event(attributes: Record<string, string>, triggerSource = "TokenGeneration_Authentication", response: PreTokenGenerationV2Event["response"] = { claimsAndScopeOverrideDetails: null }): PreTokenGenerationV2Event {
  return {
    version: "2",
    triggerSource,
    region: "eu-west-1",
    userPoolId: "eu-west-1_TestPool1",
    userName: "alice",
    callerContext: { awsSdkVersion: "aws-sdk-unknown-unknown", clientId: "3n4b5urk1ft4fl3mg5e62d9ado" },
    request: {
      userAttributes: { sub: "6f1e9d5c-5a4b-4c3d-9e8f-0123456789ab", email: "alice@example.com", "cognito:user_status": "CONFIRMED", ...attributes },
      groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [], preferredRole: null },
      scopes: ["aws.cognito.signin.user.admin"],
    },
    response,
  };
}

describe("pre token generation trigger", () => {
  it.each([
    "TokenGeneration_Authentication",
    "TokenGeneration_HostedAuth",
    "TokenGeneration_NewPasswordChallenge",
    "TokenGeneration_AuthenticateDevice",
    "TokenGeneration_RefreshTokens",
  ])("adds cnf.x5t#S256 to the access token on %s", async (source) => {
    const result = await handler(v2Event({ "custom:cert_fingerprint": digest().toString("base64url") }, source));
    expect(result.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride).toEqual({
      cnf: { "x5t#S256": digest().toString("base64url") },
    });
  });

  it.each([
    ["openssl output", () => `sha256 Fingerprint=${digest().toString("hex").toUpperCase().match(/../g)!.join(":")}`],
    ["hex", () => digest().toString("hex")],
    ["the original README's form (base64, = stripped)", () => digest().toString("base64").replace(/=/g, "")],
  ])("stores the canonical form for a fingerprint kept as %s", async (_name, stored) => {
    const result = await handler(v2Event({ "custom:cert_fingerprint": stored() }));
    expect(result.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride?.cnf).toEqual({
      "x5t#S256": digest().toString("base64url"),
    });
  });

  it("keeps whatever the response already held and refuses to suppress cnf", async () => {
    const result = await handler(
      v2Event({ "custom:cert_fingerprint": digest().toString("base64url") }, "TokenGeneration_Authentication", {
        claimsAndScopeOverrideDetails: {
          idTokenGeneration: { claimsToAddOrOverride: { department: "ops" } },
          accessTokenGeneration: { claimsToAddOrOverride: { tenant: "t1" }, claimsToSuppress: ["cnf", "email"], scopesToAdd: ["api/read"], scopesToSuppress: ["phone"] },
          groupOverrideDetails: { groupsToOverride: ["admins"] },
        },
      }),
    );
    expect(result.response.claimsAndScopeOverrideDetails).toEqual({
      idTokenGeneration: { claimsToAddOrOverride: { department: "ops" } },
      accessTokenGeneration: {
        claimsToAddOrOverride: { tenant: "t1", cnf: { "x5t#S256": digest().toString("base64url") } },
        claimsToSuppress: ["email"],
        scopesToAdd: ["api/read"],
        scopesToSuppress: ["phone", "aws.cognito.signin.user.admin"],
      },
      groupOverrideDetails: { groupsToOverride: ["admins"] },
    });
  });

  it("suppresses Cognito's self-service scope in users' tokens, on every trigger source, and never adds it back", async () => {
    // With that scope a stolen token could change the account at Cognito (email, then a password reset) without the key.
    for (const source of ["TokenGeneration_Authentication", "TokenGeneration_RefreshTokens", "TokenGeneration_HostedAuth"]) {
      const result = await handler(v2Event({ "custom:cert_fingerprint": digest().toString("base64url") }, source));
      expect(result.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.scopesToSuppress).toEqual(["aws.cognito.signin.user.admin"]);
    }
    const mapsTheScope = createPreTokenGenerationHandler({ groupScopes: { admins: ["aws.cognito.signin.user.admin", "accounts/write"] } });
    const event = v2Event({ "custom:cert_fingerprint": digest().toString("base64url") });
    event.request.groupConfiguration = { groupsToOverride: ["admins"] };
    const access = (await mapsTheScope(event)).response.claimsAndScopeOverrideDetails?.accessTokenGeneration;
    expect(access?.scopesToAdd).toEqual(["accounts/write"]);
    expect(access?.scopesToSuppress).toEqual(["aws.cognito.signin.user.admin"]);
  });

  it("fails closed without a fingerprint, so Cognito issues no token", async () => {
    await expect(handler(v2Event({}))).rejects.toThrow(FingerprintMissingError);
    await expect(handler(v2Event({ "custom:cert_fingerprint": "  " }))).rejects.toThrow(/custom:cert_fingerprint/);
  });

  it("fails closed on an invalid fingerprint without echoing it", async () => {
    const stored = "not-a-fingerprint-but-maybe-a-secret";
    const failure = handler(v2Event({ "custom:cert_fingerprint": stored }));
    await expect(failure).rejects.toThrow(FingerprintFormatError);
    await expect(failure).rejects.toThrow(expect.objectContaining({ message: expect.not.stringContaining(stored) }));
  });

  it("refuses a V1_0 event, whose response cannot reach the access token", async () => {
    const event = { ...v2Event({ "custom:cert_fingerprint": digest().toString("base64url") }), version: "1" };
    await expect(handler(event)).rejects.toThrow(/V3_0/);
  });

  it("logs nothing", async () => {
    const spies = (["log", "info", "warn", "error"] as const).map((m) => jest.spyOn(console, m).mockImplementation(() => undefined));
    await handler(v2Event({ "custom:cert_fingerprint": digest().toString("base64url") }));
    await handler(v2Event({})).catch(() => undefined);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    jest.restoreAllMocks();
  });
});

describe("user scopes from Cognito groups (api.groupScopes)", () => {
  const bound = () => ({ "custom:cert_fingerprint": digest().toString("base64url") });
  const withGroups = (groups: unknown[], response?: PreTokenGenerationV2Event["response"]) => {
    const event = v2Event(bound(), "TokenGeneration_Authentication", response);
    (event.request.groupConfiguration as { groupsToOverride: unknown[] }).groupsToOverride = groups;
    return event;
  };
  const trigger = createPreTokenGenerationHandler({ groupScopes: { readers: ["accounts/read"], admins: ["accounts/read", "accounts/write"], "with space?": ["x"] } });
  const access = (result: PreTokenGenerationV2Event) => result.response.claimsAndScopeOverrideDetails?.accessTokenGeneration;

  it("adds the scopes of every mapped group the user is in, once each", async () => {
    expect(access(await trigger(withGroups(["admins", "readers", "unmapped"])))?.scopesToAdd).toEqual(["accounts/read", "accounts/write"]);
    expect(access(await trigger(withGroups(["readers"])))?.scopesToAdd).toEqual(["accounts/read"]);
  });

  it("adds nothing for a user in no mapped group, and keeps the binding", async () => {
    const result = access(await trigger(withGroups(["unmapped", 42, null])));
    expect(result?.scopesToAdd).toBeUndefined();
    expect(result?.claimsToAddOrOverride).toEqual({ cnf: { "x5t#S256": digest().toString("base64url") } });
  });

  it("does not let an inherited property name act as a group", async () => {
    expect(access(await trigger(withGroups(["__proto__", "constructor", "toString"])))?.scopesToAdd).toBeUndefined();
  });

  it("keeps scopes another step already added", async () => {
    const response = { claimsAndScopeOverrideDetails: { accessTokenGeneration: { scopesToAdd: ["other/scope"] } } };
    expect(access(await trigger(withGroups(["readers"], response)))?.scopesToAdd).toEqual(["other/scope", "accounts/read"]);
  });

  it("still fails closed for a user in a mapped group without a binding", async () => {
    const event = v2Event({});
    (event.request.groupConfiguration as { groupsToOverride: unknown[] }).groupsToOverride = ["admins"];
    await expect(trigger(event)).rejects.toThrow(/no client certificate is bound/);
  });

  it("refuses a malformed table when created", () => {
    expect(() => createPreTokenGenerationHandler({ groupScopes: { readers: "accounts/read" } as never })).toThrow(TypeError);
    expect(() => createPreTokenGenerationHandler({ groupScopes: { readers: ["has space"] } })).toThrow(TypeError);
  });

  it("the Lambda entry point reads group-scopes.json from its package, and issues no token when it is missing or not JSON", async () => {
    const fresh = () => {
      let loaded: typeof import("../../handlers/pre-token-generation") | undefined;
      jest.isolateModules(() => {
        loaded = require("../../handlers/pre-token-generation");
      });
      return loaded!;
    };
    const good = packageFolder({ [GROUP_SCOPES_FILE]: JSON.stringify({ readers: ["accounts/read"] }) });
    try {
      expect(access(await fresh().handler(withGroups(["readers"])))).toMatchObject({ scopesToAdd: ["accounts/read"] });
    } finally {
      good.remove();
    }
    const broken = packageFolder({ [GROUP_SCOPES_FILE]: "{not json" });
    try {
      await expect(fresh().handler(withGroups(["readers"]))).rejects.toThrow(/group-scopes\.json in the function's package is not valid JSON; .*no token is issued/);
    } finally {
      broken.remove();
    }
    const empty = packageFolder({});
    try {
      await expect(fresh().handler(withGroups([]))).rejects.toThrow(/group-scopes\.json is missing from the function's package \(ENOENT\).*no token is issued/);
    } finally {
      empty.remove();
    }
  });
});
