/**
 * The local issuer's machine clients (confidential app clients for OAuth client_credentials),
 * persisted in a JSON file readable by the owner only: it holds their secrets, which
 * DescribeUserPoolClient returns as Cognito does. Secrets are never printed or logged.
 */
import { randomInt, timingSafeEqual } from "node:crypto";
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";

export interface StoredMachineClient {
  readonly clientId: string;
  readonly clientName: string;
  readonly clientSecret: string;
  readonly allowedOAuthScopes: readonly string[];
  readonly created: number;
}

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
const randomText = (length: number) => Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");

export class MachineClientStore {
  private clients: Record<string, StoredMachineClient>;

  constructor(private readonly file: string) {
    this.clients = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as { clients: Record<string, StoredMachineClient> }).clients : {};
  }

  /** A new client with Cognito-shaped id (26 characters) and secret (52). */
  create(clientName: string, allowedOAuthScopes: readonly string[]): StoredMachineClient {
    const client = { clientId: randomText(26), clientName, clientSecret: randomText(52), allowedOAuthScopes: [...allowedOAuthScopes], created: Math.floor(Date.now() / 1000) };
    this.clients[client.clientId] = client;
    this.save();
    return client;
  }

  /** Replaces a client's scopes (UpdateUserPoolClient's part the local environment needs). */
  setScopes(clientId: string, allowedOAuthScopes: readonly string[]): void {
    const client = this.get(clientId);
    if (!client) return;
    this.clients[clientId] = { ...client, allowedOAuthScopes: [...allowedOAuthScopes] };
    this.save();
  }

  get(clientId: string): StoredMachineClient | undefined {
    return Object.hasOwn(this.clients, clientId) ? this.clients[clientId] : undefined;
  }

  /** The first client of that name (Cognito allows duplicates; the local environment creates one of each). */
  byName(clientName: string): StoredMachineClient | undefined {
    return this.list().find((client) => client.clientName === clientName);
  }

  list(): StoredMachineClient[] {
    return Object.values(this.clients).sort((a, b) => a.created - b.created || a.clientId.localeCompare(b.clientId));
  }

  /** Constant-time comparison of a presented secret. */
  secretMatches(client: StoredMachineClient, secret: string): boolean {
    const expected = Buffer.from(client.clientSecret);
    const presented = Buffer.from(secret);
    return expected.length === presented.length && timingSafeEqual(expected, presented);
  }

  private save(): void {
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify({ clients: this.clients }, null, 2), { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, this.file);
  }
}
