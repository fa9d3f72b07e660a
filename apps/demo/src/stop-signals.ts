import type { Logger } from './logger.js';

/** Signals taken while stopping before the demo quits at once. */
export const QUIT_AFTER_SIGNALS = 3;

/**
 * What a signal does once the demo is stopping. The stop cancels our orders and closes the
 * streams, so a signal must not cut it short (under `pnpm demo`, pnpm sends its child SIGTERM
 * right after a Ctrl-C): the first is logged and said on the terminal, the third quits at once
 * with 130 (a stop against a real venue that does not answer must not hold the terminal forever).
 */
export function stopSignalHandler(
  logger: Pick<Logger, 'info' | 'warn'>,
  stderr: { write(text: string): unknown },
  exit: (code: number) => void,
): (signal: NodeJS.Signals) => void {
  let taken = 0;
  return (signal) => {
    taken++;
    if (taken >= QUIT_AFTER_SIGNALS) {
      logger.warn({ signal }, 'userstream demo: quit at once; orders of ours may be left open');
      stderr.write(
        'userstream demo: quit at once (third signal while stopping); orders of ours may be left open\n',
      );
      exit(130);
      return;
    }
    logger.info({ signal }, 'userstream demo: already stopping, signal ignored');
    if (taken === 1)
      stderr.write(
        'userstream demo: stopping (canceling our orders, closing streams); two more signals quit at once\n',
      );
  };
}
