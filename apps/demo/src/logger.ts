import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Field names redacted wherever they appear (two levels deep): the libraries never log secrets,
 * and this is the belt to those braces for anything the demo itself logs.
 */
export const REDACT_PATHS: readonly string[] = [
  'apiKey',
  'secret',
  'apiSecret',
  'privateKey',
  'privateKeyPem',
  'signature',
  'listenKey',
  'listenToken',
  'token',
  'credentials',
  'headers["x-mbx-apikey"]',
  'headers["x-bh-apikey"]',
].flatMap((p) => [p, `*.${p}`, `*.*.${p}`]);

export interface LoggerOptions {
  level: string;
  /** A file path, or undefined for stderr. */
  file: string | undefined;
  /** Extra strings (the API key, the secret) replaced wherever they appear in a log line. */
  secrets?: readonly string[];
}

/**
 * pino to stderr or a file, with secret fields redacted by name and known secret values
 * scrubbed from every line (messages included) before it is written.
 */
export function createLogger(options: LoggerOptions): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 8);
  const destination = pino.destination({
    dest: options.file ?? 2,
    sync: true,
    mkdir: true,
  });
  const stream =
    secrets.length === 0
      ? destination
      : {
          write(line: string) {
            let out = line;
            for (const s of secrets) out = out.split(s).join('[REDACTED]');
            destination.write(out);
          },
          flushSync: () => destination.flushSync(),
        };
  return pino(
    {
      level: options.level,
      base: { app: 'userstream-demo' },
      redact: { paths: [...REDACT_PATHS], censor: '[REDACTED]' },
    },
    stream as pino.DestinationStream,
  );
}
