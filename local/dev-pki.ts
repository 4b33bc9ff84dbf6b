/**
 * The development PKI of the local environment (and of `cbat pki dev`): a CA that is the
 * gateway's truststore, a server certificate for localhost/127.0.0.1, two trusted client
 * certificates, one for the demo machine client, one from another CA (untrusted) and one that
 * has expired, and the CA's CRL (`crl.pem`, kept current: see dev-crl.ts). Created once, reused
 * afterwards (a leaf added in a later version is issued by the kept CA); private keys are
 * written readable by the owner only.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureDevCrl } from "./dev-crl";
import { DEV_PKI_FILES, type DevPkiName } from "./dev-pki-files";
import { createCa, issueCertificate, loadIssuedCertificate, type IssuedCertificate } from "./pki";

export { DEV_PKI_FILES, type DevPkiName };

export interface DevPki {
  readonly dir: string;
  /** `<dir>/<name>.pem` */
  readonly cert: Record<DevPkiName, string>;
  /** `<dir>/<name>-key.pem` */
  readonly key: Record<DevPkiName, string>;
  /** `<dir>/crl.pem`: the development CA's CRL. */
  readonly crl: string;
  /** True when this call created the files. */
  readonly created: boolean;
}

const DAY = 86_400_000;

function pathsOf(dir: string): Pick<DevPki, "cert" | "key"> {
  const cert = {} as Record<DevPkiName, string>;
  const key = {} as Record<DevPkiName, string>;
  for (const name of DEV_PKI_FILES) {
    cert[name] = join(dir, `${name}.pem`);
    key[name] = join(dir, `${name}-key.pem`);
  }
  return { cert, key };
}

/** Loads the PKI in `dir`, creating what is missing: everything when the CA is, else the missing leaves, from the CA. */
export async function ensureDevPki(dir: string): Promise<DevPki> {
  const paths = pathsOf(dir);
  const exists = (name: DevPkiName) => existsSync(paths.cert[name]) && existsSync(paths.key[name]);
  const missing = DEV_PKI_FILES.filter((name) => !exists(name));
  if (missing.length === 0) return { dir, ...paths, crl: await ensureDevCrl(dir), created: false };

  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // The CA outlives everything it issues (issueCertificate caps a certificate at its CA's end).
  const keepCa = exists("ca");
  const ca = keepCa ? await loadIssuedCertificate(readPem(paths.cert.ca), readPem(paths.key.ca)) : await createCa("CN=cbat local development CA,O=cbat local", { days: 1095 });
  const issuers: Record<DevPkiName, () => Promise<IssuedCertificate>> = {
    ca: async () => ca,
    server: () => issueCertificate(ca, "CN=localhost,O=cbat local", { usage: "server", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"], days: 825 }),
    client: () => issueCertificate(ca, "CN=demo client,O=cbat local", { days: 365 }),
    client2: () => issueCertificate(ca, "CN=second client,O=cbat local", { kind: "ecdsa", days: 365 }),
    machine: () => issueCertificate(ca, "CN=demo-machine,O=cbat local", { kind: "ecdsa", days: 365 }),
    rogue: async () => issueCertificate(await createCa("CN=cbat rogue CA (untrusted),O=somebody else", { days: 1095 }), "CN=demo client,O=cbat local", { days: 365 }),
    expired: () => issueCertificate(ca, "CN=expired client,O=cbat local", { notBefore: new Date(Date.now() - 60 * DAY), notAfter: new Date(Date.now() - 30 * DAY) }),
  };
  for (const name of keepCa ? missing : DEV_PKI_FILES) {
    const issued = await issuers[name]();
    writeFileSync(paths.cert[name], issued.pem, { mode: 0o644 });
    writeFileSync(paths.key[name], issued.privateKeyPem, { mode: 0o600 });
    chmodSync(paths.key[name], 0o600);
  }
  return { dir, ...paths, crl: await ensureDevCrl(dir), created: true };
}

export function readPem(path: string): string {
  return readFileSync(path, "utf8");
}
