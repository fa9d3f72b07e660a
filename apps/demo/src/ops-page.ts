import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { UserstreamError } from '@userstream/core';
import { OPS_CSS, OPS_HTML, OPS_JS } from './ops-page-assets.js';
import type { OpsData } from './ops-summary.js';

/**
 * Everything the page loads comes from this server: no inline script or style, no other origin,
 * no frames, no forms posting anywhere. uPlot styles its elements through the CSSOM, which
 * `style-src 'self'` allows.
 */
export const OPS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const SECURITY_HEADERS = {
  'content-security-policy': OPS_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
} as const;

type Asset = { type: string; body: () => string | Buffer };

/** uPlot's files from node_modules (read once, on first request; the demo ships no copy). */
function fromUplot(file: string): () => Buffer {
  let cached: Buffer | undefined;
  return () => {
    cached ??= readFileSync(createRequire(import.meta.url).resolve(`uplot/dist/${file}`));
    return cached;
  };
}

const ASSETS: Record<string, Asset> = {
  '/ops/assets/ops.js': { type: 'text/javascript; charset=utf-8', body: () => OPS_JS },
  '/ops/assets/ops.css': { type: 'text/css; charset=utf-8', body: () => OPS_CSS },
  '/ops/assets/uplot.js': { type: 'text/javascript; charset=utf-8', body: fromUplot('uPlot.iife.min.js') },
  '/ops/assets/uplot.css': { type: 'text/css; charset=utf-8', body: fromUplot('uPlot.min.css') },
};

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  cache = 'no-store',
): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': type,
    'cache-control': cache,
    'content-length': Buffer.byteLength(body),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * Serves the ops page (`/` and `/ops`), its assets, `/ops/summary` (totals, history, fleet
 * workers and takeovers) and `/ops/streams?q=&page=&size=` (one page of stream rows). The caller
 * has already refused every method but GET and HEAD. Returns false for paths it does not serve.
 */
export function serveOpsPage(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  data: OpsData,
): boolean {
  if (path === '/' || path === '/ops' || path === '/ops/') {
    send(req, res, 200, 'text/html; charset=utf-8', OPS_HTML);
    return true;
  }
  const asset = ASSETS[path];
  if (asset) {
    send(req, res, 200, asset.type, asset.body(), 'max-age=300');
    return true;
  }
  const json = (status: number, value: unknown) =>
    send(req, res, status, 'application/json; charset=utf-8', JSON.stringify(value));
  try {
    if (path === '/ops/summary') {
      json(200, data.summary());
      return true;
    }
    if (path === '/ops/streams') {
      json(200, data.streams(new URL(req.url ?? '/', 'http://ops').searchParams));
      return true;
    }
  } catch (error) {
    if (UserstreamError.isInstance(error)) {
      json(400, { code: error.code, message: error.message });
    } else {
      json(500, { message: 'the ops data could not be read' });
    }
    return true;
  }
  return false;
}
