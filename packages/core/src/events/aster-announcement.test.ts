import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { normalizeEvent } from './normalize.js';
import { parseFrame } from './parse.js';

// Aster futures v3, "Event: Public Announcement" / "Event: Direct Announcement":
// https://github.com/asterdex/api-docs/blob/265e024b22c0ec8f04bbd39fe24ca5e5f7d9b12e/V3(Recommended)/EN/aster-finance-futures-api-v3.md
const text = (name: string) =>
  readFileSync(
    fileURLToPath(new URL(`../../test/fixtures/aster-futures/${name}.json`, import.meta.url)),
    'utf8',
  );

describe('Aster announcement (no E)', () => {
  it('is a typed event of the asterFutures dialect, with no event time', () => {
    const parsed = parseFrame(text('announcement-direct'), 'asterFutures');
    if (!parsed.ok) throw parsed.error;
    const event = parsed.events[0];
    if (event?.e !== 'announcement') throw new Error(`expected an announcement, got ${event?.e}`);
    expect(event.en).toMatchObject({ i: 162, c: 'DIRECT', S: false });
    expect(event.zh?.t).toBe('个人消息测试');
    expect((event as { E?: unknown }).E).toBeUndefined();
  });

  it('normalizes as other (nothing for a mirror to fold), with no venue time', () => {
    const parsed = parseFrame(text('announcement-public'), 'asterFutures');
    if (!parsed.ok) throw parsed.error;
    const n = normalizeEvent(parsed.events[0]!, 'asterFutures');
    expect(n).toMatchObject({ kind: 'other', eventType: 'announcement', venueEventTime: undefined });
  });

  it('a copy in English only is still an announcement; one without en is malformed', () => {
    const en = JSON.parse(text('announcement-public')).en;
    const ok = parseFrame(JSON.stringify({ e: 'announcement', en }), 'asterFutures');
    expect(ok.ok && ok.events[0]?.e).toBe('announcement');
    const bad = parseFrame(JSON.stringify({ e: 'announcement', zh: en }), 'asterFutures');
    expect(bad.ok).toBe(false);
  });

  it('is not known to Binance USD-M (futures dialect): an unknown pass-through there', () => {
    const parsed = parseFrame(text('announcement-public'), 'futures');
    expect(parsed.ok && parsed.events[0]?.e).toBe('unknown');
  });
});
