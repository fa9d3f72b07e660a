import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HealthReport } from './health.js';
import type { DemoMetrics } from './metrics.js';
import { serveOpsPage } from './ops-page.js';
import { type FleetOpsView, OpsData } from './ops-summary.js';

export interface OpsServer {
  /** `http://host:port`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * `/healthz` (per-stream health as JSON; 200 while every stream is up or down for less than the
 * bound, else 503), `/metrics` (Prometheus text) and the ops page (`/`, `/ops`, its JSON under
 * `/ops/`, see ops-page.ts) on `host:port` (port 0: a free one). Read-only: GET and HEAD only.
 */
export async function startOpsServer(options: {
  host: string;
  port: number;
  health: () => HealthReport;
  metrics: DemoMetrics;
  /** The fleet's workers, kills and owners, in fleet mode. */
  fleet?: () => FleetOpsView | undefined;
  /** How often the page's chart gets a point (real ms; default 1 s). */
  sampleEveryMs?: number;
}): Promise<OpsServer> {
  const data = new OpsData({ health: options.health, ...(options.fleet ? { fleet: options.fleet } : {}) });
  // One timer for the chart's history; unref'd so the ops server never keeps the process alive.
  const sampler = setInterval(() => data.sample(), options.sampleEveryMs ?? 1000);
  sampler.unref();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz') {
      const report = options.health();
      res.writeHead(report.ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify(report));
      return;
    }
    if (path === '/metrics') {
      options.metrics.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': options.metrics.contentType });
          res.end(text);
        },
        () => {
          res.writeHead(500).end();
        },
      );
      return;
    }
    if (serveOpsPage(req, res, path ?? '/', data)) return;
    res.writeHead(404, { 'content-type': 'text/plain' }).end('try /ops, /healthz or /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    const failed = (error: Error) => {
      clearInterval(sampler);
      reject(error);
    };
    server.once('error', failed);
    server.listen(options.port, options.host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(sampler);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
