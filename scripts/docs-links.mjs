// The link check of a generated static site: every relative href/src of every .html page must
// name a file that exists, and its #fragment an id (or name) in that page. External links
// (http:, https:, mailto:) are skipped: CI reaches no network but the package registry.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

function htmlFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((f) => f.endsWith('.html'));
}

const idCache = new Map();
function idsOf(file) {
  let ids = idCache.get(file);
  if (!ids) {
    const html = readFileSync(file, 'utf8');
    ids = new Set([...html.matchAll(/\s(?:id|name)="([^"]+)"/g)].map((m) => m[1]));
    idCache.set(file, ids);
  }
  return ids;
}

const decode = (s) => {
  try {
    return decodeURIComponent(s.replaceAll('&amp;', '&'));
  } catch {
    return s;
  }
};

/** Checks the site under `dir`; returns the counts and each broken link with its reason. */
export function checkSiteLinks(dir) {
  idCache.clear();
  const pages = htmlFiles(dir);
  const broken = [];
  let checked = 0;
  for (const page of pages) {
    const html = readFileSync(page, 'utf8');
    for (const m of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
      const href = m[1];
      if (/^(?:[a-z][a-z0-9+.-]*:|\/\/)/i.test(href)) continue; // external or data:/javascript:
      checked++;
      const [pathPart, fragment] = decode(href).split('#', 2);
      const path = pathPart.split('?')[0];
      const target = path === '' ? page : resolve(dirname(page), path);
      const where = relative(dir, page);
      if (!existsSync(target)) {
        broken.push({ file: where, href, reason: 'no such file' });
        continue;
      }
      if (fragment && target.endsWith('.html') && statSync(target).isFile() && !idsOf(target).has(fragment))
        broken.push({ file: where, href, reason: `no id "${fragment}" in ${relative(dir, target)}` });
    }
  }
  return { pages: pages.length, checked, broken };
}
