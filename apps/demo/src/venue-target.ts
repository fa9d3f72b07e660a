import { readFileSync } from 'node:fs';
import {
  createSigner,
  getVenue,
  isLoopbackUrl,
  type KeyMaterial,
  type VenueId,
  type VenueProfile,
  validateApiKey,
  validateSymbol,
  venues,
  withBaseUrls,
} from '@userstream/core';
import { SIMULATED_VENUES } from '@userstream/simulator';
import { configError } from './config-error.js';

/** Where the bot's streams come from. */
export type Target =
  | {
      kind: 'simulator';
      /** `--venue <id> --simulate`: the embedded simulator plays this venue alone (absent: the four-stream tour). */
      venue?: VenueId;
    }
  | {
      kind: 'venue';
      venue: VenueProfile;
      credentials: { apiKey: string } & KeyMaterial;
      symbol: string | undefined;
      /** Orders are placed only with `--trade`, and only on a testnet or a loopback host. */
      trade: boolean;
    };

function readSecretFile(path: string, field: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unreadable';
    throw configError(`cannot read ${field} '${path}' (${code}); pass a readable file`, field);
  }
}

/**
 * The `--venue` target: the venue (with any base URL overrides), the key from flags, files or
 * environment, checked by signing nothing yet, the symbol of isolated margin, and `--trade`.
 */
export function realTarget(
  venueId: string,
  str: (name: string) => string | undefined,
  flag: (name: string) => boolean,
  env: NodeJS.ProcessEnv,
): Target {
  for (const name of ['faults', 'fault-overlap', 'fault-every']) {
    if (flag(name) || str(name) !== undefined) {
      throw configError(
        `--${name} only works with the embedded simulator; drop --venue or --${name}`,
        `--${name}`,
      );
    }
  }
  let venue: VenueProfile;
  try {
    venue = getVenue(venueId);
  } catch {
    throw configError(
      `unknown venue '${venueId.slice(0, 40)}'; use one of ${Object.keys(venues).join(', ')}`,
      '--venue',
    );
  }
  const urls = { rest: str('rest-url'), stream: str('ws-url'), wsApi: str('ws-api-url') };
  if (urls.rest !== undefined || urls.stream !== undefined || urls.wsApi !== undefined) {
    for (const [name, url] of [
      ['--rest-url', urls.rest],
      ['--ws-url', urls.stream],
      ['--ws-api-url', urls.wsApi],
    ] as const) {
      if (url === undefined) continue;
      try {
        new URL(url);
      } catch {
        throw configError(`${name} must be a URL such as https://api.example.com`, name);
      }
    }
    try {
      venue = withBaseUrls(venue, {
        ...(urls.rest === undefined ? {} : { rest: urls.rest }),
        ...(urls.stream === undefined ? {} : { stream: urls.stream }),
        ...(urls.wsApi === undefined ? {} : { wsApi: urls.wsApi }),
      });
    } catch (error) {
      throw configError(String((error as Error).message).split('\n')[0] as string, '--rest-url');
    }
  }

  const apiKeyFile = str('api-key-file');
  const apiKeyRaw =
    str('api-key') ??
    (apiKeyFile ? readSecretFile(apiKeyFile, '--api-key-file') : undefined) ??
    env.USERSTREAM_API_KEY;
  if (!apiKeyRaw) {
    throw configError(
      `venue '${venue.id}' needs an API key: --api-key, --api-key-file or USERSTREAM_API_KEY (or --simulate to run it on the embedded simulator)`,
      '--api-key',
    );
  }
  let apiKey: string;
  try {
    apiKey = validateApiKey(apiKeyRaw, 'apiKey');
  } catch {
    throw configError('the API key must be printable ASCII without spaces (check the key file)', '--api-key');
  }
  const secretFile = str('api-secret-file');
  const secret =
    str('api-secret') ??
    (secretFile ? readSecretFile(secretFile, '--api-secret-file') : undefined) ??
    (env.USERSTREAM_API_SECRET || undefined);
  const pemFile = str('private-key-file') ?? (env.USERSTREAM_PRIVATE_KEY_FILE || undefined);
  const pem = pemFile ? readSecretFile(pemFile, '--private-key-file') : undefined;
  if (secret !== undefined && pem !== undefined) {
    throw configError('give either an HMAC secret or a private key file, not both', '--api-secret');
  }
  if (secret === undefined && pem === undefined) {
    throw configError(
      `venue '${venue.id}' needs a signing key: --api-secret (HMAC), --private-key-file (Ed25519/RSA PEM) or USERSTREAM_API_SECRET`,
      '--api-secret',
    );
  }
  if (pem !== undefined && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw configError(
      '--private-key-file must hold a PEM private key (-----BEGIN PRIVATE KEY-----, Ed25519 or RSA)',
      '--private-key-file',
    );
  }
  const credentials = (pem !== undefined ? { apiKey, privateKey: pem } : { apiKey, secret }) as {
    apiKey: string;
  } & KeyMaterial;
  try {
    createSigner(credentials);
  } catch {
    throw configError(
      pem !== undefined
        ? '--private-key-file must be an unencrypted Ed25519 or RSA private key in PEM (PKCS#8)'
        : 'the API secret must be a non-empty string',
      pem !== undefined ? '--private-key-file' : '--api-secret',
    );
  }

  let symbol: string | undefined;
  const isolated =
    (venue.protocol === 'listenToken' && venue.listenToken?.isolated === true) ||
    (venue.protocol === 'listenKey' && venue.listenKey?.requiresSymbol === true);
  if (isolated) {
    if (str('symbol') === undefined) {
      throw configError(
        `venue '${venue.id}' is isolated margin: pass --symbol (e.g. --symbol BTCUSDT)`,
        '--symbol',
      );
    }
    try {
      symbol = validateSymbol(str('symbol'));
    } catch {
      throw configError('--symbol must be a pair such as BTCUSDT', '--symbol');
    }
  } else if (str('symbol') !== undefined) {
    throw configError(
      `--symbol is only for isolated margin; '${venue.id}' streams the whole account`,
      '--symbol',
    );
  }

  const trade = flag('trade');
  if (trade && !venue.testnet && !isLoopbackUrl(venue.restBaseUrl)) {
    throw configError(
      `--trade places orders and is allowed on testnets only; '${venue.id}' is a live venue (drop --trade to watch read-only)`,
      '--trade',
    );
  }
  if (trade && venue.endpoints.order === undefined) {
    throw configError(`venue '${venue.id}' has no order endpoint; drop --trade`, '--trade');
  }
  return { kind: 'venue', venue, credentials, symbol, trade };
}

/** Flags that only mean something against a real venue. */
const REAL_VENUE_FLAGS = [
  'api-key',
  'api-key-file',
  'api-secret',
  'api-secret-file',
  'private-key-file',
  'symbol',
  'trade',
  'rest-url',
  'ws-url',
  'ws-api-url',
];

/**
 * The `--venue <id> --simulate` target: the embedded simulator speaking that venue (its paths,
 * signing, frames, heartbeats and event shapes), with the simulator's own account and keys. An
 * explicit flag rather than "no keys given": a forgotten key must not quietly turn a real venue
 * into a simulated one.
 */
export function simulatedTarget(venueId: string, given: (name: string) => boolean): Target {
  for (const name of REAL_VENUE_FLAGS) {
    if (given(name)) {
      throw configError(
        `--${name} is for a real venue; --simulate runs '${venueId.slice(0, 40)}' on the embedded simulator with its own account (drop --${name} or --simulate)`,
        `--${name}`,
      );
    }
  }
  if (!(SIMULATED_VENUES as readonly string[]).includes(venueId)) {
    throw configError(
      `the simulator does not play '${venueId.slice(0, 40)}'; use one of ${SIMULATED_VENUES.join(', ')}`,
      '--venue',
    );
  }
  return { kind: 'simulator', venue: venueId as VenueId };
}
