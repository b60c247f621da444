/**
 * A TCP relay on loopback that a test can take down and bring back on the same port: to the
 * store behind it, that is the database going away and restarting.
 */
import { once } from 'node:events';
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';

/** The relay: its port, and the switch. */
export interface TcpProxy {
  readonly port: number;
  /** Refuses new connections and cuts the open ones; how many it cut. */
  stop: () => Promise<number>;
  /** Listens again on the same port. */
  start: () => Promise<void>;
}

/** Starts relaying a free loopback port to `target`. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection(target);
    open.add(client);
    client.once('close', () => open.delete(client));
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      from.pipe(to);
      from.once('error', () => to.destroy());
      from.once('close', () => to.destroy());
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    port,
    stop: async () => {
      const closed = once(server, 'close');
      server.close();
      const cut = open.size;
      for (const socket of open) socket.destroy();
      await closed;
      return cut;
    },
    start: async () => {
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
    },
  };
}
