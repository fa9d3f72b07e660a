import type { ResponseHeaders } from './body.js';
/** One minute: the window of `X-MBX-USED-WEIGHT-1M` and of the venues' weight limits. */
export const WEIGHT_WINDOW_MS = 60_000;

/** `X-MBX-USED-WEIGHT-1M`, `-1S`, `-1H`, `-1D`… (the interval number and letter). */
const WEIGHT_HEADER = /^x-mbx-used-weight-(\d{1,4})([smhd])$/;

function numberOf(value: string | string[] | undefined): number {
  const text = Array.isArray(value) ? value[value.length - 1] : value;
  if (text === undefined || !/^\d{1,12}$/.test(text.trim())) return Number.NaN;
  return Number(text);
}

/**
 * Reads the used-weight headers of a response: `{ '1m': 42 }` for `X-MBX-USED-WEIGHT-1M: 42`,
 * one entry per interval the venue reports. The bare `X-MBX-USED-WEIGHT` counts as `1m`
 * when no `-1M` header is present.
 */
export function readUsedWeights(headers: ResponseHeaders): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name in headers) {
    // undici gives lower-case names; the prefix test spares the regex for every other header.
    if (name.length < 20 || !(name.startsWith('x-mbx-used-weight-') || name.startsWith('X-MBX-USED-WEIGHT-')))
      continue;
    const match = WEIGHT_HEADER.exec(name.toLowerCase());
    if (!match) continue;
    const value = numberOf(headers[name]);
    if (Number.isFinite(value)) out[`${Number(match[1])}${match[2]}`] = value;
  }
  if (out['1m'] === undefined) {
    const bare = numberOf(headers['x-mbx-used-weight']);
    if (Number.isFinite(bare)) out['1m'] = bare;
  }
  return out;
}

/**
 * The client's estimate of the weight used in the venue's current minute: what it reserved for
 * the requests it sent, raised to what the venue reported (other clients on the same IP count
 * too). Windows are whole minutes of the venue's time, as the venues count them.
 */
export class WeightWindow {
  #window = Number.NEGATIVE_INFINITY;
  #used = 0;

  /** Weight counted in the minute containing `venueNow`. */
  used(venueNow: number): number {
    return Math.floor(venueNow / WEIGHT_WINDOW_MS) === this.#window ? this.#used : 0;
  }

  /** Counts `weight` in the minute containing `venueNow`. */
  reserve(venueNow: number, weight: number): void {
    this.#roll(venueNow);
    this.#used += weight;
  }

  /** The venue said `used` at `venueNow`: never estimate below it. */
  observe(venueNow: number, used: number): void {
    this.#roll(venueNow);
    if (used > this.#used) this.#used = used;
  }

  /** Venue ms until the next minute starts. */
  static untilNextWindow(venueNow: number): number {
    return (Math.floor(venueNow / WEIGHT_WINDOW_MS) + 1) * WEIGHT_WINDOW_MS - venueNow;
  }

  #roll(venueNow: number): void {
    const window = Math.floor(venueNow / WEIGHT_WINDOW_MS);
    if (window > this.#window) {
      this.#window = window;
      this.#used = 0;
    }
  }
}
