/**
 * Tiny proxies on loopback for the stream's `proxy` tests, written for them (as
 * packages/rest/test/proxy-server.ts is for REST): an HTTP CONNECT proxy and a SOCKS5 proxy
 * (RFC 1928, with RFC 1929 username/password). Each records the `host:port` it was asked to reach
 * and refuses wrong credentials, then pipes bytes both ways.
 */
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TestProxy {
  url: string;
  /** `host:port` of every tunnel asked for. */
  targets: string[];
  refused: number;
  close(): Promise<void>;
}

function tracked(server: Server, sockets: Set<Socket>) {
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
}

function pipe(client: Socket, upstream: Socket, sockets: Set<Socket>): void {
  sockets.add(upstream);
  upstream.on('close', () => {
    sockets.delete(upstream);
    client.destroy();
  });
  upstream.on('error', () => client.destroy());
  client.on('error', () => upstream.destroy());
  client.on('close', () => upstream.destroy());
}

async function listen(
  server: Server,
  sockets: Set<Socket>,
  scheme: string,
  state: { targets: string[]; refused: number },
  auth = '',
) {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return Object.assign(state, {
    url: `${scheme}://${auth}127.0.0.1:${port}`,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

/** HTTP CONNECT; with `token`, a request without `Proxy-Authorization: <token>` gets 407. */
export async function startConnectProxy(options: { token?: string } = {}): Promise<TestProxy> {
  const sockets = new Set<Socket>();
  const state = { targets: [] as string[], refused: 0 };
  const server = createHttpServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, client: Socket, head: Buffer) => {
    if (options.token !== undefined && req.headers['proxy-authorization'] !== options.token) {
      state.refused++;
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
      return;
    }
    const target = req.url ?? '';
    state.targets.push(target);
    const at = target.lastIndexOf(':');
    const upstream = connect(Number(target.slice(at + 1)), target.slice(0, at), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      client.pipe(upstream).pipe(client);
    });
    pipe(client, upstream, sockets);
  });
  tracked(server, sockets);
  return listen(server, sockets, 'http', state);
}

/** SOCKS5 with CONNECT only; with `user`/`pass`, method 0x02 is required and checked. */
export async function startSocks5Proxy(options: { user?: string; pass?: string } = {}): Promise<TestProxy> {
  const sockets = new Set<Socket>();
  const state = { targets: [] as string[], refused: 0 };
  const needAuth = options.user !== undefined;
  const server = createServer((client) => {
    let buf = Buffer.alloc(0);
    let stage: 'hello' | 'auth' | 'request' = 'hello';
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (stage === 'hello') {
        if (buf.length < 2 || buf.length < 2 + (buf[1] as number)) return;
        const methods = [...buf.subarray(2, 2 + (buf[1] as number))];
        buf = buf.subarray(2 + (buf[1] as number));
        const method = needAuth ? 0x02 : 0x00;
        if (!methods.includes(method)) {
          state.refused++;
          client.end(Buffer.from([0x05, 0xff]));
          return;
        }
        client.write(Buffer.from([0x05, method]));
        stage = needAuth ? 'auth' : 'request';
      }
      if (stage === 'auth') {
        if (buf.length < 2) return;
        const ulen = buf[1] as number;
        if (buf.length < 3 + ulen) return;
        const plen = buf[2 + ulen] as number;
        if (buf.length < 3 + ulen + plen) return;
        const user = buf.subarray(2, 2 + ulen).toString();
        const pass = buf.subarray(3 + ulen, 3 + ulen + plen).toString();
        buf = buf.subarray(3 + ulen + plen);
        if (user !== options.user || pass !== options.pass) {
          state.refused++;
          client.end(Buffer.from([0x01, 0x01]));
          return;
        }
        client.write(Buffer.from([0x01, 0x00]));
        stage = 'request';
      }
      if (stage === 'request') {
        if (buf.length < 5) return;
        const atyp = buf[3];
        let host: string;
        let end: number;
        if (atyp === 0x01) {
          end = 8;
          if (buf.length < end + 2) return;
          host = [...buf.subarray(4, 8)].join('.');
        } else if (atyp === 0x03) {
          end = 5 + (buf[4] as number);
          if (buf.length < end + 2) return;
          host = buf.subarray(5, end).toString();
        } else {
          client.end(Buffer.from([0x05, 0x08, 0x00, 0x01, 0, 0, 0, 0, 0, 0]));
          return;
        }
        const port = buf.readUInt16BE(end);
        const rest = buf.subarray(end + 2);
        client.off('data', onData);
        state.targets.push(`${host}:${port}`);
        const upstream = connect(port, host, () => {
          client.write(Buffer.from([0x05, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0]));
          if (rest.length) upstream.write(rest);
          client.pipe(upstream).pipe(client);
        });
        pipe(client, upstream, sockets);
      }
    };
    client.on('data', onData);
    client.on('error', () => {});
  });
  tracked(server, sockets);
  const auth = needAuth
    ? `${encodeURIComponent(options.user!)}:${encodeURIComponent(options.pass ?? '')}@`
    : '';
  return listen(server, sockets, 'socks5', state, auth);
}
