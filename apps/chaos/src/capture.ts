import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { inspect } from 'node:util';
import type { Logger } from '@userstream/core';
import { DIAGNOSTICS_CHANNELS as KEEPALIVE_CHANNELS } from '@userstream/keepalive';
import { DIAGNOSTICS_CHANNELS as REDIS_CHANNELS } from '@userstream/redis';
import { DIAGNOSTICS_CHANNELS as REST_CHANNELS } from '@userstream/rest';
import { DIAGNOSTICS_CHANNELS as SIMULATOR_CHANNELS } from '@userstream/simulator';
import { DIAGNOSTICS_CHANNELS as STREAM_CHANNELS } from '@userstream/stream';

/** Every `userstream:*` diagnostics channel the packages publish on (diagnostics_channel has no wildcard). */
export const ALL_CHANNELS: readonly string[] = [
  ...new Set(
    [KEEPALIVE_CHANNELS, REDIS_CHANNELS, REST_CHANNELS, SIMULATOR_CHANNELS, STREAM_CHANNELS].flatMap((c) =>
      Object.values(c as Record<string, string>),
    ),
  ),
].sort();

/** An error rendered every way a user could see it: message, stack, toJSON, util.inspect. */
export function renderError(error: unknown): string {
  if (!(error instanceof Error)) return inspect(error, { depth: 6 });
  const json = (error as { toJSON?: () => unknown }).toJSON;
  let asJson = '';
  try {
    asJson = JSON.stringify(typeof json === 'function' ? json.call(error) : error);
  } catch {
    asJson = '';
  }
  return [error.message, error.stack ?? '', asJson, inspect(error, { depth: 6 })].join('\n');
}

function stringify(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v) => {
      if (v instanceof Error) return renderError(v);
      if (typeof v === 'bigint') return String(v);
      return v;
    });
  } catch {
    return inspect(value, { depth: 8 });
  }
}

/**
 * Everything the libraries say, the way a user would read it: logger lines, diagnostics messages,
 * errors (from `error`/`warning` events and rejections). Searched for canary secrets after a run.
 */
export class OutputCapture {
  readonly lines: string[] = [];
  readonly #handlers: [string, (message: unknown, name: string | symbol) => void][] = [];

  constructor() {
    for (const name of ALL_CHANNELS) {
      const handler = (message: unknown) => {
        this.lines.push(`diag ${name} ${stringify(message)}`);
      };
      subscribe(name, handler);
      this.#handlers.push([name, handler]);
    }
  }

  /** A pino-compatible logger whose every line (object and message) is kept. */
  logger(scope: string): Logger {
    const line = (level: string) => (obj: unknown, msg?: string) => {
      this.lines.push(`log ${scope} ${level} ${stringify(obj)} ${msg ?? ''}`);
    };
    const logger = {
      debug: line('debug'),
      info: line('info'),
      warn: line('warn'),
      error: line('error'),
      child: (bindings: Record<string, unknown>) => this.logger(`${scope}:${stringify(bindings)}`),
    };
    return logger as unknown as Logger;
  }

  error(where: string, error: unknown): void {
    this.lines.push(`error ${where} ${renderError(error)}`);
  }

  stop(): void {
    for (const [name, handler] of this.#handlers.splice(0)) unsubscribe(name, handler);
  }
}

/** Secrets that must never be printed: what the run gave or was given. Short strings are ignored (they match by chance). */
export class Canaries {
  readonly #secrets = new Map<string, string>();

  add(kind: string, value: unknown): void {
    if (typeof value !== 'string' || value.length < 12) return;
    if (!this.#secrets.has(value)) this.#secrets.set(value, kind);
  }

  get size(): number {
    return this.#secrets.size;
  }

  kinds(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const kind of this.#secrets.values()) out[kind] = (out[kind] ?? 0) + 1;
    return out;
  }

  /** Lines holding a canary, as `kind: …line excerpt…` with the secret itself masked. */
  find(lines: readonly string[]): string[] {
    const found: string[] = [];
    for (const line of lines) {
      for (const [secret, kind] of this.#secrets) {
        const at = line.indexOf(secret);
        if (at < 0) continue;
        const excerpt = `${line.slice(Math.max(0, at - 80), at)}<${kind}>${line.slice(at + secret.length, at + secret.length + 40)}`;
        found.push(`${kind} in output: ${excerpt.replace(/\s+/g, ' ')}`);
      }
    }
    return found;
  }
}
