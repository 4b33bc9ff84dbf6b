/**
 * `npm run local` keeps the names of its demo clients: a configured machine client named
 * demo-machine or demo-mtls would take over the demo's local record (review finding L8). It is
 * listed with what to do instead, before anything is registered (the issuer is never touched).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { registerConfiguredMachineClients } from "../../local/configured-machine-clients";
import { DEMO_MACHINE_CLIENT, DEMO_MTLS_CLIENT } from "../../local/local-machine-clients";
import { createCa } from "../support/certificates";

it("refuses a configured machine client with a demo client's name, saying to rename it", async () => {
  const pkiDir = mkdtempSync(join(tmpdir(), "cbat-reserved-"));
  try {
    const untouched = new Proxy({}, { get: () => { throw new Error("the issuer must not be used"); } });
    const clients = [DEMO_MACHINE_CLIENT, DEMO_MTLS_CLIENT].map((name) => ({ name, x5tS256: "tls_client_auth", tokenEndpointAuthMethod: "tls_client_auth" as const, tlsClientAuth: { subjectDn: `CN=${name}` }, scopes: ["cbat/invoke"] }));
    const result = await registerConfiguredMachineClients(untouched as never, untouched as never, "eu-west-1_x", pkiDir, clients, (await createCa()).pem);
    expect(result.unregistered).toEqual([DEMO_MACHINE_CLIENT, DEMO_MTLS_CLIENT].map((name) => ({ name, why: `npm run local keeps the name ${name} for its own demo client: give this machine client another name in cbat.config.json` })));
    expect(result.mtls).toEqual([]);
  } finally {
    rmSync(pkiDir, { recursive: true, force: true });
  }
});
