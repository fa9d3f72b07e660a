/** Resolves after a real macrotask turn (lets loopback I/O happen). */
export const tick = (ms = 0) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits (real time, bounded) until `predicate` holds. */
export async function until(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await tick(5);
  }
}
