/**
 * What the local gateway knows about one request, named as API Gateway's `$context` variables
 * (without the prefix), for the access log: who called, with which certificate, what the
 * authorizer answered and how long each step took. Also the same for a refused TLS handshake,
 * as far as the values exist (no request: no method, path or status).
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { TLSSocket } from "node:tls";
import { requestTimeOf, type ContextValues } from "./access-log";

/** The client certificate as the event's `identity.clientCert` describes it. */
export interface ClientCertDescription {
  readonly serialNumber?: unknown;
  readonly subjectDN?: unknown;
  readonly issuerDN?: unknown;
  readonly validity?: { readonly notAfter?: unknown };
}

const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);

export function certificateValues(cert: ClientCertDescription | undefined): ContextValues {
  return {
    "identity.clientCert.serialNumber": text(cert?.serialNumber),
    "identity.clientCert.subjectDN": text(cert?.subjectDN),
    "identity.clientCert.issuerDN": text(cert?.issuerDN),
    "identity.clientCert.validity.notAfter": text(cert?.validity?.notAfter),
  };
}

const elapsedSince = (start: number) => String(Math.round(performance.now() - start));

export class RequestTrace {
  readonly requestId = randomUUID();
  readonly extendedRequestId = randomUUID();
  readonly received = new Date();
  /** `$context.requestTime` of `received`, formatted once for the access log and the event. */
  readonly requestTime = requestTimeOf(this.received);
  private readonly start = performance.now();
  private readonly values: Record<string, string | undefined>;

  constructor(initial: ContextValues) {
    this.values = {
      requestId: this.requestId,
      extendedRequestId: this.extendedRequestId,
      requestTime: this.requestTime,
      requestTimeEpoch: String(this.received.getTime()),
      ...initial,
    };
  }

  set(values: ContextValues): void {
    Object.assign(this.values, values);
  }

  /** Starts a timer; calling the result records the elapsed milliseconds under `name`. */
  time(name: string): () => void {
    const start = performance.now();
    return () => void (this.values[name] = elapsedSince(start));
  }

  /** The values once the response has been sent. */
  finish(status: number): ContextValues {
    return { ...this.values, status: String(status), responseLatency: elapsedSince(this.start) };
  }
}

/**
 * A handshake the gateway refused (no, untrusted or expired certificate): only the caller's
 * address, the time and the name it asked for (SNI) exist. Node gives no certificate details once
 * the handshake has failed, and there is no request id, method, path or status.
 */
export function handshakeRefusedValues(socket: TLSSocket, peers: WeakMap<object, string | undefined>): ContextValues {
  const received = new Date();
  // `peers`: address of each TCP connection, by its socket (the TLS socket's _parent; node has no public accessor).
  const raw = (socket as TLSSocket & { _parent?: object })._parent;
  const peer = (raw && peers.get(raw)) ?? socket.remoteAddress;
  const servername = (socket as TLSSocket & { servername?: unknown }).servername;
  return {
    "identity.sourceIp": peer,
    requestTime: requestTimeOf(received),
    requestTimeEpoch: String(received.getTime()),
    domainName: typeof servername === "string" ? servername : undefined,
  };
}
