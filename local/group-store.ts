/**
 * The local issuer's Cognito groups and their members, persisted in a JSON file next to the
 * users. Usernames are stored lowercased, as the pool compares them case-insensitively.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";

export interface StoredGroup {
  readonly name: string;
  description?: string;
  precedence?: number;
  readonly created: number;
  modified: number;
  /** Lowercased usernames. */
  members: string[];
}

interface GroupFile {
  groups: Record<string, StoredGroup>;
}

export class GroupStore {
  private readonly data: GroupFile;

  constructor(private readonly file: string) {
    this.data = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as GroupFile) : { groups: {} };
  }

  get(name: string): StoredGroup | undefined {
    return Object.hasOwn(this.data.groups, name) ? this.data.groups[name] : undefined;
  }

  list(): StoredGroup[] {
    return Object.values(this.data.groups).sort((a, b) => a.name.localeCompare(b.name));
  }

  create(name: string, description?: string, precedence?: number): StoredGroup {
    const now = Math.floor(Date.now() / 1000);
    const group: StoredGroup = { name, description, precedence, created: now, modified: now, members: [] };
    this.data.groups[name] = group;
    this.save();
    return group;
  }

  addMember(group: StoredGroup, username: string): void {
    const key = username.toLowerCase();
    if (!group.members.includes(key)) group.members.push(key);
    this.save();
  }

  removeMember(group: StoredGroup, username: string): void {
    group.members = group.members.filter((member) => member !== username.toLowerCase());
    this.save();
  }

  /** The user's groups, as Cognito orders them: lowest precedence first, then by name. */
  groupsOf(username: string): StoredGroup[] {
    const key = username.toLowerCase();
    return this.list()
      .filter((group) => group.members.includes(key))
      .sort((a, b) => (a.precedence ?? Number.MAX_SAFE_INTEGER) - (b.precedence ?? Number.MAX_SAFE_INTEGER) || a.name.localeCompare(b.name));
  }

  private save(): void {
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(this.data, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, this.file);
  }
}
