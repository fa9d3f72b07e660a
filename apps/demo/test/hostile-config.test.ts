import { describe, expect, it } from 'vitest';
import { parseConfig, parseDuration } from '../src/config.js';

const KEY = 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A';
const SECRET = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';

describe('issue 16 item 8: prototype names are not venue ids in the demo', () => {
  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty'])('--venue %s', (name) => {
    let got: { code?: string; field?: string; message: string } | undefined;
    try {
      parseConfig(['--venue', name], { USERSTREAM_API_KEY: KEY, USERSTREAM_API_SECRET: SECRET });
    } catch (error) {
      got = error as typeof got;
    }
    expect(got?.code).toBe('USERSTREAM_INVALID_CONFIG');
    expect(got?.field).toBe('--venue');
    // The message lists every valid id.
    expect(got?.message).toContain('binance-portfolio-margin');
    expect(got?.message).toContain('coins-ph');
  });
});

describe('issue 16 item 9: demo durations beyond 2^31-1 ms', () => {
  it('--duration 600h is refused (Node would fire the quit timer after 1 ms), 596h is accepted', () => {
    let got: { code?: string; message: string } | undefined;
    try {
      parseDuration('600h', '--duration');
    } catch (error) {
      got = error as typeof got;
    }
    expect(got?.code).toBe('USERSTREAM_INVALID_CONFIG');
    expect(got?.message).toContain('--duration');
    expect(got?.message).toContain('596h');
    expect(parseDuration('596h', '--duration')).toBe(596 * 3_600_000);
  });
});
