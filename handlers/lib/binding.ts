/**
 * RFC 8705 §3: the token's confirmation claim must name the certificate presented
 * in the TLS handshake.
 */
import { AccessDeniedError } from "./errors";
import { thumbprintsMatch } from "./thumbprint";

/**
 * @param claims the verified token payload
 * @param presentedX5tS256 x5t#S256 of the certificate of this connection
 * @throws AccessDeniedError `cnf_missing`, `cnf_invalid` or `cnf_mismatch`
 */
export function assertCertificateBound(claims: Record<string, unknown>, presentedX5tS256: string): void {
  const cnf = claims.cnf;
  if (cnf === undefined || cnf === null) throw new AccessDeniedError("cnf_missing");
  if (typeof cnf !== "object" || Array.isArray(cnf)) throw new AccessDeniedError("cnf_invalid");
  const bound = (cnf as Record<string, unknown>)["x5t#S256"];
  if (bound === undefined) throw new AccessDeniedError("cnf_missing");
  if (typeof bound !== "string") throw new AccessDeniedError("cnf_invalid");
  if (!thumbprintsMatch(bound, presentedX5tS256)) throw new AccessDeniedError("cnf_mismatch");
}
