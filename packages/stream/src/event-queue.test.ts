import { describe, expect, it } from 'vitest';
import { EventQueue } from './event-queue.js';

const hooks = { slow() {}, overflow() {}, detach() {} };

describe('EventQueue ring', () => {
  // The ring indexes with a mask (its length is a power of two): order must survive the head
  // wrapping around and the ring growing while wrapped.
  it('hands items back in push order across wrap-around and growth', async () => {
    const q = new EventQueue<number>(1_000_000, 'warn', hooks);
    const got: number[] = [];
    let pushed = 0;
    // Uneven rounds: push 5..52 items, take about two thirds, so the head moves round the ring
    // (16 slots) several times before and after it grows.
    for (let round = 0; round < 40; round++) {
      const n = 5 + ((round * 7) % 48);
      for (let i = 0; i < n; i++) q.push(pushed++, 10);
      const take = Math.ceil((q.size * 2) / 3);
      for (let i = 0; i < take; i++) got.push((await q.next()).value as number);
    }
    while (q.size > 0) got.push((await q.next()).value as number);
    expect(got).toEqual(Array.from({ length: pushed }, (_, i) => i));
    expect(q.bytes).toBe(0);
  });

  it('resolves a waiting next() with the first push, then buffers the rest', async () => {
    const q = new EventQueue<string>(100, 'warn', hooks);
    const waiting = q.next();
    q.push('a');
    q.push('b');
    q.push('c');
    expect(await waiting).toEqual({ done: false, value: 'a' });
    expect(q.size).toBe(2);
    q.end();
    expect([(await q.next()).value, (await q.next()).value, (await q.next()).done]).toEqual(['b', 'c', true]);
  });
});
