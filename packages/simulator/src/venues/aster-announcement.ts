/**
 * Aster futures v3's `announcement` push (issue #13 item 2), as "Event: Public Announcement" and
 * "Event: Direct Announcement" show it (github.com/asterdex/api-docs
 * V3(Recommended)/EN/aster-finance-futures-api-v3.md at 265e024, checked 2026-12-03): `e`, then
 * the notice in English (`en`) and Chinese (`zh`), each `{i, t, s, c, d, S, j, C}`, and no `E`.
 * The docs do not say when Aster pushes one; the simulator sends one on demand
 * (`faults.announce`): a public one (`NEW_LISTING`) to every Aster futures v3 stream, or a direct
 * one (`DIRECT`) to one account's.
 */
import type { Sink } from '../sink.js';

/** Only Aster futures v3 streams carry announcements (the v1 page documents none). */
export const ANNOUNCING_VENUE = 'aster-futures-v3';

export interface AnnouncementOptions {
  /** `NEW_LISTING` (public) or `DIRECT` (personal). @default 'NEW_LISTING' */
  category?: 'NEW_LISTING' | 'DIRECT';
  /** English title. @default 'simulator announcement' */
  title?: string;
}

/** The announcement frame, keys in the documented order. */
export function announcementJson(id: number, time: number, options: AnnouncementOptions): string {
  const category = options.category ?? 'NEW_LISTING';
  const copy = (t: string, s: string, C: string) => ({
    i: id,
    t,
    s,
    c: category,
    d: time,
    S: false,
    j: 'https://www.asterdex.com/en/announcement',
    C,
  });
  return JSON.stringify({
    e: 'announcement',
    en: copy(options.title ?? 'simulator announcement', 'sub title', '<p>simulated content</p>'),
    zh: copy('模拟公告', '子标题', '<p>模拟内容</p>'),
  });
}

/** The sinks an announcement goes to. */
export function announcementSinks(sinks: readonly Sink[]): Sink[] {
  return sinks.filter((sink) => sink.venue === ANNOUNCING_VENUE);
}
