/**
 * The local stand-in of the stack's machine-client binding registry (the SSM parameter): a JSON
 * file of the same form, `{"<client id>": "<x5t#S256>"}`, in the state folder. The trigger asks
 * it on every client-credentials token (a local file, so no cache: an edit takes effect at
 * once). Bind a client created with CreateUserPoolClient by adding a line, as an operator
 * would change the parameter.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { parseMachineBindings } from "../handlers/lib/machine-bindings";

export class MachineBindingsFile {
  constructor(readonly file: string) {}

  /** The registered fingerprint of a client; a malformed file throws (the trigger then fails closed). */
  readonly lookup = async (clientId: string): Promise<string | undefined> => this.read().get(clientId);

  bind(clientId: string, x5tS256: string): void {
    const bindings = Object.fromEntries(this.read());
    bindings[clientId] = x5tS256;
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(bindings, null, 2)}\n`);
    renameSync(temporary, this.file);
  }

  private read(): ReadonlyMap<string, string> {
    return existsSync(this.file) ? parseMachineBindings(readFileSync(this.file, "utf8")) : new Map();
  }
}
