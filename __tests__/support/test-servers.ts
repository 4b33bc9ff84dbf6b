/** Real loopback servers for failure tests, on free ports, all ended after the tests (open sockets too). */
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";

export class TestServers {
  private readonly servers: Server[] = [];
  private readonly sockets = new Set<Socket>();

  /** Listens on 127.0.0.1 on a free port; returns the port. */
  async listen(server: Server): Promise<number> {
    this.servers.push(server);
    server.on("connection", (socket: Socket) => this.sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return (server.address() as AddressInfo).port;
  }

  /** A server that accepts every connection, reads the request and never answers: its http:// URL. */
  async silent(onConnection: (socket: Socket) => void = () => undefined): Promise<string> {
    const server = createServer((socket) => {
      onConnection(socket);
      socket.on("data", () => undefined);
    });
    return `http://127.0.0.1:${await this.listen(server)}`;
  }

  /** A port nothing listens on (it was free a moment ago). */
  async closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return port;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    for (const server of this.servers) await new Promise((resolve) => server.close(resolve));
  }
}
