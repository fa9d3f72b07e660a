import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Canaries } from './capture.js';

/**
 * A loopback HTTP pass-through in front of the simulator's REST API. It exists only to learn the
 * secrets of a run: the signatures and listenKeys in request queries, and the listenKeys and
 * listenTokens in response bodies (the simulator, like a real venue, never tells them otherwise).
 * Requests and answers pass unchanged; a held answer (a keepalive that times out) stays held.
 */
export interface RestTap {
  readonly url: string;
  close(): Promise<void>;
}

const SECRET_FIELDS = /"(listenKey|token|listenToken)"\s*:\s*"([^"]+)"/g;

export async function startRestTap(target: string, canaries: Canaries): Promise<RestTap> {
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://tap.invalid');
    for (const [name, value] of url.searchParams) {
      if (name === 'signature') canaries.add('signature', value);
      if (name === 'listenKey') canaries.add('listenKey', value);
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const form = new URLSearchParams(body.toString('utf8'));
      for (const [name, value] of form) {
        if (name === 'signature') canaries.add('signature', value);
        if (name === 'listenKey') canaries.add('listenKey', value);
      }
      const out = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, connection: 'close' },
          agent: false,
        },
        (answer) => {
          const got: Buffer[] = [];
          answer.on('data', (c: Buffer) => got.push(c));
          answer.on('end', () => {
            const text = Buffer.concat(got).toString('utf8');
            for (const m of text.matchAll(SECRET_FIELDS)) canaries.add(m[1] as string, m[2]);
            if (res.destroyed) return;
            const headers = { ...answer.headers };
            delete headers['transfer-encoding'];
            headers['content-length'] = String(Buffer.byteLength(text));
            res.writeHead(answer.statusCode ?? 502, headers);
            res.end(text);
          });
          answer.on('error', () => res.destroy());
        },
      );
      out.on('error', () => res.destroy());
      // The client gave up (its own timeout): give up upstream too.
      res.on('close', () => {
        if (!res.writableEnded) out.destroy();
      });
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
