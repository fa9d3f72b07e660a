import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { DIAGNOSTICS_CHANNELS as KEEPALIVE_CHANNELS } from '@userstream/keepalive';
import { DIAGNOSTICS_CHANNELS as REST_CHANNELS } from '@userstream/rest';
import { DIAGNOSTICS_CHANNELS as SIMULATOR_CHANNELS } from '@userstream/simulator';
import { DIAGNOSTICS_CHANNELS as STREAM_CHANNELS } from '@userstream/stream';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the metrics read from the bot on each scrape. */
export interface StreamGaugeSource {
  readonly name: string;
  readonly venue: string;
  readonly up: boolean;
  readonly events: number;
  readonly lastLagMs: number | undefined;
  readonly credentialAgeMs: number | undefined;
  readonly msToNextRenewal: number | undefined;
  readonly openOrders: number;
}

type Message = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

/**
 * Prometheus metrics for /metrics, fed from the libraries' `node:diagnostics_channel` channels
 * (rest requests, stream connections and gaps, leases, mirror reconciliations, simulator
 * faults) plus per-stream gauges read from the bot. Labels are venue ids, methods, paths,
 * statuses, reasons and codes: never a key, token or signature (the channels carry none).
 */
export class DemoMetrics {
  readonly registry = new Registry();
  readonly #subscriptions: [string, (message: unknown, name: string | symbol) => void][] = [];

  constructor(streams: () => readonly StreamGaugeSource[]) {
    const r = this.registry;
    const restRequests = new Counter({
      name: 'userstream_rest_requests_total',
      help: 'REST requests finished, by venue, method, path and HTTP status',
      labelNames: ['venue', 'method', 'path', 'status'],
      registers: [r],
    });
    const restErrors = new Counter({
      name: 'userstream_rest_errors_total',
      help: 'REST requests that failed, by venue, path and error code',
      labelNames: ['venue', 'path', 'code'],
      registers: [r],
    });
    const restDuration = new Histogram({
      name: 'userstream_rest_request_duration_ms',
      help: 'REST request duration in protocol-clock ms',
      labelNames: ['venue'],
      buckets: [5, 20, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
      registers: [r],
    });
    const streamEvents = new Counter({
      name: 'userstream_stream_lifecycle_total',
      help: 'Stream lifecycle events (connect, disconnect, reconnecting, rotate, gap, malformed, slowConsumer)',
      labelNames: ['venue', 'event', 'reason'],
      registers: [r],
    });
    const leaseEvents = new Counter({
      name: 'userstream_lease_events_total',
      help: 'Credential lease events (created, renewed, renew-failed, recreated, expired, closed)',
      labelNames: ['venue', 'kind', 'event', 'reason'],
      registers: [r],
    });
    const deferred = new Counter({
      name: 'userstream_scheduler_deferred_total',
      help: 'Renewals held back by a rate limit or ban',
      registers: [r],
    });
    const reconciled = new Counter({
      name: 'userstream_mirror_reconciliations_total',
      help: 'AccountMirror reconciliations from a REST snapshot, by reason',
      labelNames: ['reason'],
      registers: [r],
    });
    const differences = new Counter({
      name: 'userstream_mirror_differences_total',
      help: 'Differences a reconciliation corrected (what the stream alone got wrong)',
      registers: [r],
    });
    const faults = new Counter({
      name: 'userstream_demo_faults_total',
      help: 'Faults injected into the embedded simulator, by type',
      labelNames: ['type'],
      registers: [r],
    });

    const on = (name: string, fn: (m: Message) => void) => {
      const handler = (message: unknown) => fn((message ?? {}) as Message);
      subscribe(name, handler);
      this.#subscriptions.push([name, handler]);
    };
    on(REST_CHANNELS.finish, (m) => {
      restRequests.inc({
        venue: str(m.venue),
        method: str(m.method),
        path: str(m.path),
        status: str(m.status),
      });
      if (typeof m.durationMs === 'number') restDuration.observe({ venue: str(m.venue) }, m.durationMs);
    });
    on(REST_CHANNELS.error, (m) => {
      restErrors.inc({ venue: str(m.venue), path: str(m.path), code: str(m.code) });
      if (m.status !== undefined) {
        restRequests.inc({
          venue: str(m.venue),
          method: str(m.method),
          path: str(m.path),
          status: str(m.status),
        });
      }
    });
    const streamChannels: Record<string, string> = STREAM_CHANNELS;
    for (const [event, name] of Object.entries(streamChannels)) {
      on(name, (m) => streamEvents.inc({ venue: str(m.venue), event, reason: str(m.reason ?? m.code) }));
    }
    const leaseChannels: [string, string][] = [
      ['created', KEEPALIVE_CHANNELS.leaseCreated],
      ['renewed', KEEPALIVE_CHANNELS.leaseRenewed],
      ['renew-failed', KEEPALIVE_CHANNELS.leaseRenewFailed],
      ['recreated', KEEPALIVE_CHANNELS.leaseRecreated],
      ['expired', KEEPALIVE_CHANNELS.leaseExpired],
      ['closed', KEEPALIVE_CHANNELS.leaseClosed],
    ];
    for (const [event, name] of leaseChannels) {
      on(name, (m) =>
        leaseEvents.inc({ venue: str(m.venue), kind: str(m.kind), event, reason: str(m.reason ?? m.code) }),
      );
    }
    on(KEEPALIVE_CHANNELS.schedulerDeferred, () => deferred.inc());
    on(KEEPALIVE_CHANNELS.mirrorReconciled, (m) => {
      reconciled.inc({ reason: str(m.reason) });
      if (typeof m.differences === 'number') differences.inc(m.differences);
    });
    on(SIMULATOR_CHANNELS.fault, (m) => faults.inc({ type: str(m.type) }));

    const gauge = (name: string, help: string, read: (s: StreamGaugeSource) => number | undefined) =>
      new Gauge({
        name,
        help,
        labelNames: ['stream', 'venue'],
        registers: [r],
        collect() {
          this.reset();
          for (const s of streams()) {
            const v = read(s);
            if (v !== undefined) this.set({ stream: s.name, venue: s.venue }, v);
          }
        },
      });
    gauge('userstream_demo_stream_up', '1 when the stream is open', (s) => (s.up ? 1 : 0));
    gauge('userstream_demo_events_received', 'Events the stream delivered', (s) => s.events);
    gauge(
      'userstream_demo_event_lag_ms',
      'Clock time minus E of the last event, protocol ms',
      (s) => s.lastLagMs,
    );
    gauge('userstream_demo_credential_age_seconds', 'Age of the current credential', (s) =>
      s.credentialAgeMs === undefined ? undefined : s.credentialAgeMs / 1000,
    );
    gauge('userstream_demo_next_renewal_seconds', 'Time until the next renewal', (s) =>
      s.msToNextRenewal === undefined ? undefined : s.msToNextRenewal / 1000,
    );
    gauge('userstream_demo_open_orders', 'Open orders in the mirror', (s) => s.openOrders);
  }

  /** Prometheus text exposition. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Stops listening to the diagnostics channels. */
  close(): void {
    for (const [name, handler] of this.#subscriptions.splice(0)) unsubscribe(name, handler);
  }
}
