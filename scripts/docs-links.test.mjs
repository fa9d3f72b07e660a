// node --test scripts/: the static-site link check finds missing pages and anchors, skips external links.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkSiteLinks } from './docs-links.mjs';

function site(pages) {
  const dir = mkdtempSync(join(tmpdir(), 'docs-links-'));
  for (const [name, html] of Object.entries(pages)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), html);
  }
  return dir;
}

test('links to existing pages, anchors and assets pass; external links are not fetched', () => {
  const dir = site({
    'index.html': `<a href="modules/core.html">core</a><a href="modules/core.html#open">open</a>
      <a href="#top">top</a><h1 id="top"></h1><script src="assets/main.js"></script>
      <a href="https://example.invalid/x">ext</a><a href="mailto:a@b.invalid">mail</a>`,
    'modules/core.html': '<a href="../index.html">up</a><h2 id="open">open</h2>',
    'assets/main.js': '',
  });
  assert.deepEqual(checkSiteLinks(dir), { pages: 2, checked: 5, broken: [] });
});

test('a missing page, a missing anchor and a missing asset are each reported', () => {
  const dir = site({
    'index.html': `<a href="modules/gone.html">gone</a><a href="modules/core.html#nope">x</a>
      <img src="assets/logo.png">`,
    'modules/core.html': '<h2 id="open">open</h2>',
  });
  assert.deepEqual(checkSiteLinks(dir).broken, [
    { file: 'index.html', href: 'modules/gone.html', reason: 'no such file' },
    { file: 'index.html', href: 'modules/core.html#nope', reason: 'no id "nope" in modules/core.html' },
    { file: 'index.html', href: 'assets/logo.png', reason: 'no such file' },
  ]);
});
