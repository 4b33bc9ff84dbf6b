/**
 * The local issuer's users, persisted in a JSON file. Passwords are kept as scrypt hashes
 * and refresh tokens as SHA-256 hashes; neither is ever printed or returned.
 */
import { createHash, randomBytes, randomUUID, scryptSync, timingSafeEqual } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";

export type UserStatus = "FORCE_CHANGE_PASSWORD" | "CONFIRMED";

export interface StoredUser {
  username: string;
  sub: string;
  attributes: Record<string, string>;
  passwordHash?: string;
  status: UserStatus;
  enabled: boolean;
  created: number;
  modified: number;
}

interface StoreFile {
  users: Record<string, StoredUser>;
  refreshTokens: Record<string, { username: string; expires: number }>;
}

const REFRESH_TOKEN_DAYS = 30;

export class UserStore {
  private data: StoreFile;

  constructor(private readonly file: string) {
    this.data = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as StoreFile) : { users: {}, refreshTokens: {} };
  }

  /** Usernames are case-insensitive, as in our pool. */
  get(username: string): StoredUser | undefined {
    return this.data.users[username.toLowerCase()];
  }

  /** Every user, in no particular order. */
  list(): StoredUser[] {
    return Object.values(this.data.users);
  }

  create(username: string, attributes: Record<string, string>, temporaryPassword?: string): StoredUser {
    const now = Math.floor(Date.now() / 1000);
    const user: StoredUser = { username, sub: randomUUID(), attributes, status: "FORCE_CHANGE_PASSWORD", enabled: true, created: now, modified: now };
    if (temporaryPassword !== undefined) user.passwordHash = hashPassword(temporaryPassword);
    this.data.users[username.toLowerCase()] = user;
    this.save();
    return user;
  }

  setPassword(user: StoredUser, password: string, permanent: boolean): void {
    user.passwordHash = hashPassword(password);
    user.status = permanent ? "CONFIRMED" : "FORCE_CHANGE_PASSWORD";
    this.touch(user);
  }

  updateAttributes(user: StoredUser, attributes: Record<string, string>): void {
    Object.assign(user.attributes, attributes);
    this.touch(user);
  }

  /** Removes attributes (AdminDeleteUserAttributes); names that are not set are ignored. */
  deleteAttributes(user: StoredUser, names: readonly string[]): void {
    for (const name of names) delete user.attributes[name];
    this.touch(user);
  }

  /** Invalidates every refresh token of the user (AdminUserGlobalSignOut). */
  revokeRefreshTokens(user: StoredUser): void {
    for (const [hash, entry] of Object.entries(this.data.refreshTokens)) if (entry.username === user.username) delete this.data.refreshTokens[hash];
    this.save();
  }

  passwordMatches(user: StoredUser, password: string): boolean {
    if (!user.passwordHash) return false;
    const [salt, expected] = user.passwordHash.split(":");
    const actual = scryptSync(password, Buffer.from(salt, "base64"), 32);
    return timingSafeEqual(actual, Buffer.from(expected, "base64"));
  }

  issueRefreshToken(user: StoredUser): string {
    const token = randomBytes(48).toString("base64url");
    this.data.refreshTokens[sha256(token)] = { username: user.username, expires: Date.now() + REFRESH_TOKEN_DAYS * 86_400_000 };
    this.save();
    return token;
  }

  /** The user a still-valid refresh token belongs to. */
  redeemRefreshToken(token: string): StoredUser | undefined {
    const entry = this.data.refreshTokens[sha256(token)];
    if (!entry || entry.expires < Date.now()) return undefined;
    return this.get(entry.username);
  }

  private touch(user: StoredUser): void {
    user.modified = Math.floor(Date.now() / 1000);
    this.save();
  }

  private save(): void {
    const now = Date.now();
    for (const [hash, entry] of Object.entries(this.data.refreshTokens)) if (entry.expires < now) delete this.data.refreshTokens[hash];
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.data, null, 2), { mode: 0o600 });
    renameSync(temporary, this.file);
  }
}

function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `${salt.toString("base64")}:${scryptSync(password, salt, 32).toString("base64")}`;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
