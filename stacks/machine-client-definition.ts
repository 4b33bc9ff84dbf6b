/** One machine client of `machineClients` in cbat.config.json, as validated by machine-client-config.ts. */
import type { TlsClientAuth } from "./machine-client-auth-method";

export interface MachineClientDefinition {
  /** The key in `machineClients`; the Cognito app client is `<stack>-<name>`. */
  readonly name: string;
  /**
   * x5t#S256 of the client's pinned certificate: the binding its tokens carry. For
   * `tls_client_auth` the registry marker `tls_client_auth` instead: its tokens are bound to the
   * certificate the token endpoint vouches for.
   */
  readonly x5tS256: string;
  /** RFC 8705 §2 client authentication at the mTLS token endpoint. @default self_signed_tls_client_auth */
  readonly tokenEndpointAuthMethod?: "tls_client_auth" | "self_signed_tls_client_auth";
  /** tls_client_auth: the registered subject DN and optional issuer DN. */
  readonly tlsClientAuth?: TlsClientAuth;
  /** Granted scopes, `<resource server>/<name>`: `<resource server>/invoke` first, then the configured ones. */
  readonly scopes: readonly string[];
}
