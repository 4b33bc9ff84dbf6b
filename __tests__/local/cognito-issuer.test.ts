/**
 * The local issuer refuses what Cognito refuses, with Cognito's error types, and answers
 * ListUsers as the AWS CLI calls it: real HTTP, the real AWS SDK v3 client (SigV4-signed).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AdminCreateUserCommand, AdminGetUserCommand, AdminUpdateUserAttributesCommand, CognitoIdentityProviderClient, ListUsersCommand,
  paginateListUsers, type UserType,
} from "@aws-sdk/client-cognito-identity-provider";
import { CognitoIssuer } from "../../local/cognito-issuer";
import { COGNITO_OPERATIONS } from "../../local/cognito-operations";
import { PROJECT_ROOT } from "../support/terraform";

const REGION = "eu-west-1";
const POOL = `${REGION}_issuerTest`;
let issuer: CognitoIssuer;
let endpoint: string;
let cognito: CognitoIdentityProviderClient;

const clientFor = (region: string) => new CognitoIdentityProviderClient({ region, endpoint, credentials: { accessKeyId: "AKIDLOCAL", secretAccessKey: "local" } });

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "cbat-issuer-"));
  issuer = new CognitoIssuer({ region: REGION, userPoolId: POOL, clientId: "testclient", usersFile: join(dir, "users.json"), signingKeyFile: join(dir, "key.pem") });
  endpoint = await issuer.listen(0);
  cognito = clientFor(REGION);
});
afterAll(async () => {
  cognito?.destroy();
  await issuer?.close();
});

const createUser = (username: string, attributes: Record<string, string> = {}) =>
  cognito.send(new AdminCreateUserCommand({ UserPoolId: POOL, Username: username, MessageAction: "SUPPRESS", UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })) }));

/** A raw Cognito JSON-protocol request, with whatever Authorization header a client might send. */
async function raw(action: string, body: unknown, authorization?: string) {
  const response = await fetch(`${endpoint}/`, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `AWSCognitoIdentityProviderService.${action}`, ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe("signature scope", () => {
  it("refuses a request signed for another region than the pool's, naming both", async () => {
    await createUser("scoped", { email: "scoped@example.com" });
    const elsewhere = clientFor("us-east-1");
    await expect(elsewhere.send(new AdminGetUserCommand({ UserPoolId: POOL, Username: "scoped" }))).rejects.toMatchObject({
      name: "InvalidSignatureException",
      message: expect.stringMatching(/Credential should be scoped to a valid region: the pool is in eu-west-1, the request was signed for us-east-1/),
      $metadata: { httpStatusCode: 400 },
    });
    elsewhere.destroy();
    await expect(cognito.send(new AdminGetUserCommand({ UserPoolId: POOL, Username: "scoped" }))).resolves.toMatchObject({ Username: "scoped" });
  });

  it("refuses a signature for another service, and an Authorization header that is no signature", async () => {
    const otherService = await raw("AdminGetUser", { UserPoolId: POOL, Username: "scoped" }, "AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20260101/eu-west-1/cognito-identity/aws4_request, SignedHeaders=host, Signature=00");
    expect(otherService).toEqual({ status: 400, body: { __type: "InvalidSignatureException", message: expect.stringContaining("'cognito-idp'") } });
    const bearer = await raw("AdminGetUser", { UserPoolId: POOL, Username: "scoped" }, "Bearer abc");
    expect(bearer).toEqual({ status: 400, body: { __type: "IncompleteSignatureException", message: expect.stringContaining("AWS4-HMAC-SHA256") } });
  });

  it("answers unsigned requests (InitiateAuth is unsigned in the SDK and CLI)", async () => {
    const unsigned = await raw("InitiateAuth", { AuthFlow: "USER_PASSWORD_AUTH", ClientId: "testclient", AuthParameters: { USERNAME: "scoped", PASSWORD: "Not-Set-1" } });
    expect(unsigned).toEqual({ status: 400, body: { __type: "NotAuthorizedException", message: "Incorrect username or password." } });
  });
});

describe("email attribute", () => {
  it.each(["not-an-email", "alice", "@example.com", "alice@", "alice@example", "al ice@example.com", "alice@@example.com", "alice@example..com", "alice@-example.com", ".alice@example.com"])(
    "refuses %j as Cognito does",
    async (email) => {
      await expect(createUser(`bad-${Math.random().toString(36).slice(2)}`, { email })).rejects.toMatchObject({ name: "InvalidParameterException", message: "Invalid email address format." });
    },
  );

  it("accepts real addresses, and refuses a bad one on update without changing the user", async () => {
    await createUser("mail-ok", { email: "first.last+tag@mail.example.co.uk" });
    await expect(cognito.send(new AdminUpdateUserAttributesCommand({ UserPoolId: POOL, Username: "mail-ok", UserAttributes: [{ Name: "email", Value: "first.last" }] })))
      .rejects.toMatchObject({ name: "InvalidParameterException", message: "Invalid email address format." });
    const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: POOL, Username: "mail-ok" }));
    expect(user.UserAttributes).toContainEqual({ Name: "email", Value: "first.last+tag@mail.example.co.uk" });
  });
});

describe("ListUsers", () => {
  let pool: Record<string, string>; // username → sub
  const names = (users: UserType[] | undefined) => (users ?? []).map((u) => u.Username);
  const list = (input: Omit<ConstructorParameters<typeof ListUsersCommand>[0], "UserPoolId">) => cognito.send(new ListUsersCommand({ UserPoolId: POOL, ...input }));

  beforeAll(async () => {
    pool = {};
    for (const [username, email, name] of [["Alice", "alice@example.com", "Alice Liddell"], ["bob", "bob@example.com", "Bob"], ["bobby", "bobby@example.org", 'Bobby "Tables" O\'Brien'], ["carol", "carol@example.com", "Carol"], ["dave", "dave@example.net", "Dave"]]) {
      const created = await createUser(username, { email, name });
      pool[username] = created.User!.Attributes!.find((a) => a.Name === "sub")!.Value!;
    }
  });

  it("lists every user in username order, with Cognito's user shape", async () => {
    const all = await list({});
    expect(names(all.Users)).toEqual(["Alice", "bob", "bobby", "carol", "dave", "mail-ok", "scoped"]);
    expect(all.PaginationToken).toBeUndefined();
    expect(all.Users![0]).toMatchObject({
      Username: "Alice", Enabled: true, UserStatus: "FORCE_CHANGE_PASSWORD", UserCreateDate: expect.any(Date),
      Attributes: expect.arrayContaining([{ Name: "sub", Value: pool.Alice }, { Name: "email", Value: "alice@example.com" }]),
    });
  });

  it.each([
    ['username = "alice"', ["Alice"]], // usernames are case-insensitive
    ['username ^= "bob"', ["bob", "bobby"]],
    ['email = "bob@example.com"', ["bob"]],
    ['email ^= "b"', ["bob", "bobby"]],
    ['email = "BOB@example.com"', []],
    ['name = "Bobby \\"Tables\\" O\'Brien"', ["bobby"]],
    ['cognito:user_status = "FORCE_CHANGE_PASSWORD"', ["Alice", "bob", "bobby", "carol", "dave", "mail-ok", "scoped"]],
    ['status = "Enabled"', ["Alice", "bob", "bobby", "carol", "dave", "mail-ok", "scoped"]],
    ['email = "nobody@example.com"', []],
  ])("filters %s", async (filter, expected) => {
    expect(names((await list({ Filter: filter })).Users)).toEqual(expected);
  });

  it("filters by sub", async () => {
    expect(names((await list({ Filter: `sub = "${pool.carol}"` })).Users)).toEqual(["carol"]);
    expect(names((await list({ Filter: `sub ^= "${pool.carol.slice(0, 8)}"` })).Users)).toEqual(["carol"]);
  });

  it("pages with Limit and PaginationToken (the SDK paginator, as the CLI pages), also across a user created meanwhile", async () => {
    const pages: string[][] = [];
    for await (const page of paginateListUsers({ client: cognito, pageSize: 2 }, { UserPoolId: POOL })) {
      pages.push(names(page.Users) as string[]);
      if (pages.length === 1) await createUser("aaron", { email: "aaron@example.com" }); // sorts before the token: not in later pages
      if (pages.length === 2) await createUser("zed", { email: "zed@example.com" }); // sorts after: listed
    }
    expect(pages).toEqual([["Alice", "bob"], ["bobby", "carol"], ["dave", "mail-ok"], ["scoped", "zed"]]);
    const firstTwo = await list({ Limit: 1, Filter: 'email ^= "b"' });
    expect(names(firstTwo.Users)).toEqual(["bob"]);
    expect(names((await list({ Limit: 1, Filter: 'email ^= "b"', PaginationToken: firstTwo.PaginationToken })).Users)).toEqual(["bobby"]);
  });

  it("returns only the attributes asked for", async () => {
    const { Users } = await list({ Filter: 'username = "carol"', AttributesToGet: ["email"] });
    expect(Users![0].Attributes).toEqual([{ Name: "email", Value: "carol@example.com" }]);
  });

  it.each([
    ["Limit 61", { Limit: 61 }, /Value '61' at 'limit' failed to satisfy constraint/],
    ["Limit -1", { Limit: -1 }, /at 'limit'/],
    ["a token it did not issue", { PaginationToken: "not-a-token" }, /Invalid pagination token/],
    ["a custom attribute filter", { Filter: 'custom:cert_fingerprint = "x"' }, /Invalid search attribute: custom:cert_fingerprint\. Searchable: username, email, sub/],
    ["a filter without operator", { Filter: "username alice" }, /Error while parsing filter/],
    ["an unterminated value", { Filter: 'username = "alice' }, /Error while parsing filter/],
    ["a filter over 256 characters", { Filter: `username = "${"a".repeat(300)}"` }, /at most 256 characters/],
  ])("refuses %s with InvalidParameterException", async (_label, input, message) => {
    await expect(list(input)).rejects.toMatchObject({ name: "InvalidParameterException", message: expect.stringMatching(message) });
  });

  it("refuses another pool", async () => {
    await expect(cognito.send(new ListUsersCommand({ UserPoolId: `${REGION}_other` }))).rejects.toMatchObject({ name: "ResourceNotFoundException" });
  });
});

it("names the supported actions when asked for another, and the docs list each", async () => {
  const answer = await raw("AdminDeleteUser", { UserPoolId: POOL, Username: "bob" });
  expect(answer.status).toBe(400);
  expect(answer.body.message).toContain("AdminDeleteUser is not supported by the local issuer");
  const docs = ["README.md", "docs/tutorial.md", "docs/reference.md"].map((doc) => readFileSync(join(PROJECT_ROOT, doc), "utf8")).join("\n");
  for (const action of Object.keys(COGNITO_OPERATIONS)) {
    expect(answer.body.message).toContain(action);
    expect(docs).toContain(`\`${action}\``);
  }
});
