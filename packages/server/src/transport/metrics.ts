/**
 * `/metrics` in the Prometheus text format (SPEC OPS-1), through prom-client (the library
 * Prometheus' own Node instrumentation uses). One registry per server, so several servers in one
 * process (tests, embedders) never mix figures. Labels take only known values (event names from
 * the protocol, error codes), so a client inventing names cannot grow the series.
 */
import { ClientEventNames, ErrorCodes } from '@parley/protocol';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Store } from '../store/types.js';
import { LazyCount, LazyHistogram, type HistogramSeries } from './lazy-metrics.js';

const KNOWN_EVENTS = new Set<string>(ClientEventNames);
const KNOWN_CODES = new Set<string>(Object.values(ErrorCodes));

interface EventSeries {
  received: LazyCount;
  ok: LazyCount;
  seconds: HistogramSeries;
}

export interface MetricsSources {
  connections: () => number;
  /** Comments held for review, by site (the console's review queue); read at scrape time. */
  heldComments?: () => Promise<Record<string, number>>;
}

export class ServerMetrics {
  readonly registry = new Registry();
  private readonly events: Counter<'event'>;
  private readonly acks: Counter<'event' | 'outcome' | 'code'>;
  private readonly eventSeconds: LazyHistogram;
  private readonly storeSeconds: LazyHistogram;
  private writesWaiting = 0;
  /**
   * Each event's series, found once (BEAT-2), counted in plain numbers and handed to prom-client
   * when `/metrics` is read (BEAT-15): prom-client hashes an observation's labels on every call.
   */
  private readonly perEvent = new Map<string, EventSeries>();

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'parley_' });
    const perEvent = this.perEvent;
    this.events = new Counter({
      name: 'parley_events_total',
      help: 'Client events received, by event name.',
      labelNames: ['event'],
      registers,
      collect() {
        for (const series of perEvent.values()) series.received.drain();
      },
    });
    this.acks = new Counter({
      name: 'parley_acks_total',
      help: 'Acknowledgements sent, by event, outcome (ok | error) and error code.',
      labelNames: ['event', 'outcome', 'code'],
      registers,
      collect() {
        for (const series of perEvent.values()) series.ok.drain();
      },
    });
    this.eventSeconds = new LazyHistogram(
      'parley_event_duration_seconds',
      'Time from receiving a client event to its acknowledgement.',
      'event',
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      this.registry,
    );
    this.storeSeconds = new LazyHistogram(
      'parley_store_duration_seconds',
      'Store transactions, by kind (read | write), from request to settle (queueing included).',
      'kind',
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      this.registry,
    );
    new Gauge({ name: 'parley_connections', help: 'Open Socket.IO connections.', registers, collect() { this.set(sources.connections()); } });
    const held = sources.heldComments;
    if (held) {
      new Gauge({
        name: 'parley_moderation_queue_depth',
        help: 'Comments held for review and not yet decided, by site (the console\'s "Held" queue).',
        labelNames: ['site'],
        registers,
        async collect() {
          for (const [site, n] of Object.entries(await held())) this.set({ site }, n);
        },
      });
    }
    const waiting = (): number => this.writesWaiting;
    new Gauge({
      name: 'parley_store_writes_waiting',
      help: 'Write transactions asked for and not yet settled (the write queue depth).',
      registers,
      collect() {
        this.set(waiting());
      },
    });
  }

  /** One client event, acknowledged after `seconds` with `error` (a code) or success. */
  observe(event: unknown, seconds: number, error: string | null): void {
    const name = typeof event === 'string' && KNOWN_EVENTS.has(event) ? event : 'unknown';
    let series = this.perEvent.get(name);
    if (!series) {
      series = {
        received: new LazyCount(this.events, { event: name }),
        ok: new LazyCount(this.acks, { event: name, outcome: 'ok', code: '' }),
        seconds: this.eventSeconds.labels(name),
      };
      this.perEvent.set(name, series);
    }
    series.received.inc();
    if (error) this.acks.inc({ event: name, outcome: 'error', code: KNOWN_CODES.has(error) ? error : 'other' });
    else series.ok.inc();
    series.seconds.observe(seconds);
  }

  /** The store with every transaction timed (and writes counted while they wait). */
  instrument(store: Store): Store {
    const timers = { read: this.storeSeconds.labels('read'), write: this.storeSeconds.labels('write') };
    const time = async <T>(kind: 'read' | 'write', run: () => Promise<T>): Promise<T> => {
      const end = timers[kind].startTimer();
      if (kind === 'write') this.writesWaiting++;
      try {
        return await run();
      } finally {
        if (kind === 'write') this.writesWaiting--;
        end();
      }
    };
    return {
      ...(store.ignoresWriteScope && { ignoresWriteScope: true }),
      read: (work) => time('read', () => store.read(work)),
      write: (work) => time('write', () => store.write(work)),
      pruneRequests: (before) => store.pruneRequests(before),
      pruneEvents: (keep) => store.pruneEvents(keep),
      schemaVersion: () => store.schemaVersion(),
      close: () => store.close(),
    };
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
