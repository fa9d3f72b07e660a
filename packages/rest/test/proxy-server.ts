import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface ProxyFault {
  method: string;
  path: string;
  /** `503-after`: forward, drop the venue's answer, answer 503; `503`: answer 503 without forwarding; `hold`: never answer. */
  mode: '503' | '503-after' | 'hold' | 'echo';
  count: number;
}

/**
 * A tiny HTTP proxy on loopback, written for these tests: absolute-URI forwarding (counts each
 * request) and CONNECT tunnels (counts tunnels and the request lines that pass through them).
 * It can answer 503 or hold chosen requests, checks `Proxy-Authorization` when given a token,
 * and records what it saw on the wire (query strings, bodies) so tests know the signatures.
 */
export async function startProxy(options: { token?: string } = {}) {
  const sockets = new Set<Socket>();
  const held = new Set<ServerResponse>();
  const state = {
    forwarded: 0,
    tunnels: 0,
    tunneledRequests: 0,
    refused: 0,
    /** `METHOD /path?query` of every forwarded request and every request line seen in a tunnel. */
    lines: [] as string[],
    /** Raw bytes seen both ways, as text. */
    wire: [] as string[],
    faults: [] as ProxyFault[],
    /** Added to every forwarded response. */
    extraHeaders: {} as Record<string, string>,
  };
  const authorized = (req: IncomingMessage) =>
    options.token === undefined || req.headers['proxy-authorization'] === options.token;

  const takeFault = (method: string, path: string): ProxyFault['mode'] | undefined => {
    const i = state.faults.findIndex((f) => f.method === method && f.path === path && f.count > 0);
    if (i < 0) return undefined;
    const fault = state.faults[i] as ProxyFault;
    fault.count--;
    return fault.mode;
  };

  const server = createServer((req, res) => {
    if (!authorized(req)) {
      state.refused++;
      res.writeHead(407, { 'Proxy-Authenticate': 'Bearer' }).end();
      return;
    }
    const target = new URL(req.url ?? '/');
    state.forwarded++;
    state.lines.push(`${req.method} ${target.pathname}${target.search}`);
    const fault = takeFault(req.method ?? 'GET', target.pathname);
    if (fault === 'hold') {
      held.add(res);
      return;
    }
    if (fault === 'echo') {
      // A venue that quotes the whole request back in its error message.
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ code: -1100, msg: `Illegal characters found in request '${req.url}'` }));
      return;
    }
    if (fault === '503') {
      res.writeHead(503, { 'Content-Type': 'text/html' }).end('<html>503 Service Unavailable</html>');
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: `${target.pathname}${target.search}`,
        headers,
      },
      (up) => {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          const body = Buffer.concat(chunks);
          state.wire.push(body.toString('utf8'));
          if (fault === '503-after') {
            res.writeHead(503, { 'Content-Type': 'application/json' });
            res.end(JSON.stringify({ code: -1001, msg: 'Internal error; unable to process your request.' }));
            return;
          }
          res.writeHead(up.statusCode ?? 502, { ...up.headers, ...state.extraHeaders });
          res.end(body);
        });
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });

  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    if (!authorized(req)) {
      state.refused++;
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Bearer\r\n\r\n');
      return;
    }
    const [host, port] = (req.url ?? '').split(':');
    state.tunnels++;
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      client.on('data', (chunk: Buffer) => {
        const text = chunk.toString('latin1');
        state.wire.push(text);
        for (const m of text.matchAll(/^(GET|POST|PUT|DELETE) (\S+) HTTP\/1\.1\r$/gm)) {
          state.tunneledRequests++;
          state.lines.push(`${m[1]} ${m[2]}`);
        }
        upstream.write(chunk);
      });
      upstream.on('data', (chunk: Buffer) => {
        state.wire.push(chunk.toString('latin1'));
        client.write(chunk);
      });
    });
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    // The HTTP server's sockets are half-open capable: pass each side's end on.
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    /** Open sockets on the proxy, both sides of each tunnel included. */
    get sockets() {
      return sockets.size;
    },
    /** Every `signature` value seen on the wire. */
    signatures(): string[] {
      const out: string[] = [];
      for (const line of [...state.lines, ...state.wire]) {
        for (const m of line.matchAll(/signature=([^&\s]+)/g)) {
          out.push(m[1] as string, decodeURIComponent(m[1] as string));
        }
      }
      return out;
    },
    async close(): Promise<void> {
      for (const res of held) res.destroy();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type TestProxy = Awaited<ReturnType<typeof startProxy>>;
