/**
 * A Cognito-compatible token issuer for local use, speaking Cognito's JSON protocol, so the
 * AWS SDK v3 and `aws cognito-idp --endpoint-url` work unchanged. Its actions are the table
 * in cognito-operations.ts; access tokens are shaped by the real pre token generation
 * trigger (the stack's bundle), as on AWS. With machine clients it also serves the pool
 * domain's `POST /oauth2/token` (client_credentials, oauth-token-endpoint.ts).
 *
 * Admin actions are not authenticated (the server listens on loopback only).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { CognitoError, type CognitoInput, type IssuerContext, type PreTokenGenerationHandler } from "./cognito-context";
import { COGNITO_OPERATIONS } from "./cognito-operations";
import { cognitoRequestHandler } from "./cognito-protocol";
import { MachineClientStore } from "./machine-client-store";
import { TOKEN_PATH, tokenEndpoint } from "./oauth-token-endpoint";
import { GroupStore } from "./group-store";
import { TokenSigner } from "./token-signer";
import { UserStore } from "./user-store";

export type { PreTokenGenerationHandler };

export interface CognitoIssuerOptions {
  readonly region: string;
  readonly userPoolId: string;
  readonly clientId: string;
  /** JSON file of the users. */
  readonly usersFile: string;
  /** JSON file of the groups and their members. @default groups.json beside usersFile */
  readonly groupsFile?: string;
  /** PEM file of the signing key (created when missing). */
  readonly signingKeyFile: string;
  readonly preTokenGeneration?: PreTokenGenerationHandler;
  /** The pool's trigger version, which sets the events' `version`. @default "V2_0" */
  readonly preTokenGenerationVersion?: "V2_0" | "V3_0";
  /** @default 3600 */
  readonly accessTokenSeconds?: number;
  /** JSON file of the machine clients (with their secrets, owner-readable). @default no machine clients, no token endpoint */
  readonly machineClientsFile?: string;
  /** The resource server's custom scopes, which machine clients may be granted. @default none */
  readonly resourceServerScopes?: readonly string[];
}

export class CognitoIssuer {
  readonly signer: TokenSigner;
  readonly users: UserStore;
  readonly machineClients?: MachineClientStore;
  readonly groups: GroupStore;
  readonly issuer: string;
  private readonly context: IssuerContext;
  private server?: Server;

  constructor(private readonly options: CognitoIssuerOptions) {
    this.signer = new TokenSigner(options.signingKeyFile);
    this.users = new UserStore(options.usersFile);
    this.machineClients = options.machineClientsFile ? new MachineClientStore(options.machineClientsFile) : undefined;
    this.groups = new GroupStore(options.groupsFile ?? join(dirname(options.usersFile), "groups.json"));
    this.issuer = `https://cognito-idp.${options.region}.amazonaws.com/${options.userPoolId}`;
    this.context = {
      region: options.region,
      userPoolId: options.userPoolId,
      clientId: options.clientId,
      issuer: this.issuer,
      users: this.users,
      groups: this.groups,
      signer: this.signer,
      preTokenGeneration: options.preTokenGeneration,
      triggerEventVersion: options.preTokenGenerationVersion === "V3_0" ? "3" : "2",
      accessTokenSeconds: options.accessTokenSeconds ?? 3600,
      machineClients: this.machineClients,
      resourceServerScopes: options.resourceServerScopes ?? [],
    };
  }

  get jwks() {
    return this.signer.jwks;
  }

  async listen(port: number, host = "127.0.0.1"): Promise<string> {
    const handle = cognitoRequestHandler({
      region: this.options.region,
      userPoolId: this.options.userPoolId,
      issuer: this.issuer,
      jwks: () => this.jwks,
      dispatch: (action, input) => this.call(action, input),
    });
    const token = this.machineClients ? tokenEndpoint(this.context) : undefined;
    this.server = createServer((req, res) => void (token && new URL(req.url ?? "/", "http://local").pathname === TOKEN_PATH ? token(req, res) : handle(req, res)));
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(port, host, resolve);
    });
    const address = this.server.address() as AddressInfo;
    return `http://${host}:${address.port}`;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
  }

  /** Runs one Cognito action (also used in-process, e.g. to create the demo user). */
  async call(action: string, input: CognitoInput): Promise<Record<string, unknown>> {
    const operation = Object.hasOwn(COGNITO_OPERATIONS, action) ? COGNITO_OPERATIONS[action] : undefined;
    if (!operation) throw new CognitoError("InvalidParameterException", `Action ${action.slice(0, 64)} is not supported by the local issuer (${Object.keys(COGNITO_OPERATIONS).join(", ")})`);
    return operation(this.context, input);
  }
}
