/** The development PKI's certificate names, apart from its code (pkijs), so the CLI can name them without loading it. */
/** Base names of the files; each has `<name>.pem` and `<name>-key.pem`. */
export const DEV_PKI_FILES = ["ca", "server", "client", "client2", "machine", "rogue", "expired"] as const;
export type DevPkiName = (typeof DEV_PKI_FILES)[number];
