#!/usr/bin/env node
// Opens the built API site (docs/api, from `pnpm run docs`) in a real headless Chromium, as a
// reader would: the site is served on 127.0.0.1 (port 0), Chromium renders the index with its
// scripts (the navigation is built by JavaScript), takes a screenshot (docs/api-screenshot.png)
// and dumps the rendered DOM, then renders each package's page. Checked:
//   - the index lists the six packages, each linking to its page, and each page renders its title;
//   - every request the browser made was answered (no missing script, style, icon or page);
//   - every relative link in the rendered index (navigation included) answers 200.
// Chromium comes from scripts/ensure-chromium.mjs (PATH, CHROMIUM, or Debian's package via apt).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, relative } from 'node:path';
import { ensureChromium } from './ensure-chromium.mjs';

const root = join(import.meta.dirname, '..');
const site = join(root, 'docs', 'api');
const screenshot = join(root, 'docs', 'api-screenshot.png');
const PACKAGES = ['core', 'rest', 'stream', 'keepalive', 'redis', 'simulator'];
const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

function fail(line) {
  console.error(`docs site: ${line}`);
  process.exit(1);
}

if (!existsSync(join(site, 'index.html'))) fail('docs/api/index.html is missing: run `pnpm run docs` first');

let chromium;
try {
  chromium = ensureChromium();
} catch (error) {
  fail(error.message);
}

// Every request the browser makes is recorded, with its answer.
const requests = [];
const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  let file = normalize(join(site, path));
  if (!file.startsWith(site)) file = site; // no way out of the site
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  const ok = existsSync(file) && statSync(file).isFile();
  requests.push({ path, status: ok ? 200 : 404 });
  if (!ok) {
    res.writeHead(404).end('not found');
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
  res.end(readFileSync(file));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

/** Runs headless Chromium on `url` with `args`; resolves with its stdout. */
function browse(url, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      chromium.binary,
      [
        '--headless',
        '--no-sandbox', // CI runs as root, where Chromium's sandbox cannot start
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--hide-scrollbars',
        '--no-first-run',
        '--window-size=1280,900',
        '--virtual-time-budget=5000', // let the site's scripts build the navigation
        ...args,
        url,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else
        reject(
          new Error(
            `${chromium.binary} exited with ${code} on ${url}: ${stderr.split('\n').slice(-5).join(' ')}`,
          ),
        );
    });
  });
}

const problems = [];
let listed = 0;
try {
  await browse(`${base}/index.html`, [`--screenshot=${screenshot}`]);
  if (!existsSync(screenshot) || statSync(screenshot).size < 10_000)
    problems.push(`no screenshot (or an empty one) at ${relative(root, screenshot)}`);

  const dom = await browse(`${base}/index.html`, ['--dump-dom']);
  const hrefs = [...dom.matchAll(/<a\s[^>]*href="([^"#]+)(?:#[^"]*)?"/g)].map((m) => m[1]);
  for (const p of PACKAGES) {
    const page = `modules/_userstream_${p}.html`;
    if (hrefs.some((h) => h.replace(/^\.\//, '') === page)) listed++;
    else problems.push(`the index does not link @userstream/${p} (${page})`);
    const rendered = await browse(`${base}/${page}`, ['--dump-dom']);
    if (!new RegExp(`<h1[^>]*>[^<]*@userstream/${p}\\b`).test(rendered))
      problems.push(`${page} does not render the title @userstream/${p}`);
  }
  const relativeLinks = [...new Set(hrefs.filter((h) => !/^[a-z][a-z0-9+.-]*:|^\/\//i.test(h)))];
  for (const href of relativeLinks) {
    const res = await fetch(new URL(href, `${base}/index.html`));
    await res.arrayBuffer();
    if (res.status !== 200) problems.push(`the index links ${href}, which answers ${res.status}`);
  }
  // a browser asks for /favicon.ico by itself; the site links none, so its absence is no broken link
  const missing = [
    ...new Set(requests.filter((r) => r.status !== 200 && r.path !== '/favicon.ico').map((r) => r.path)),
  ];
  for (const path of missing) problems.push(`the browser asked for ${path}, which does not exist`);
  console.log(
    `docs site: ${chromium.version}: index links ${listed}/${PACKAGES.length} packages, ${relativeLinks.length} links followed, ${requests.length} browser requests, ${missing.length} missing; screenshot ${relative(root, screenshot)}`,
  );
} catch (error) {
  problems.push(error.message);
} finally {
  server.close();
}
for (const p of problems) console.error(`docs site: ${p}`);
if (problems.length > 0) process.exit(1);
