/**
 * [BEAT-15] The figures every event moves, kept as plain numbers and handed to prom-client only when
 * `/metrics` is read. prom-client checks and hashes an observation's labels on every call, even
 * through a labelled child (about 1–4 µs an event, a store timer more); at 1,000 heartbeats a second
 * that was several times what the beat itself does. What `/metrics` says is unchanged: the same
 * names, labels, buckets and text.
 */
import type { Counter, Registry } from 'prom-client';

/** One labelled counter's count, added to its prom-client counter when it is collected. */
export class LazyCount {
  private pending = 0;

  constructor(
    private readonly counter: Counter<string>,
    private readonly labels: Record<string, string>,
  ) {}

  inc(): void {
    this.pending += 1;
  }

  /** Into the prom-client counter (its `collect`, before it is read). */
  drain(): void {
    if (this.pending === 0) return;
    this.counter.inc(this.labels, this.pending);
    this.pending = 0;
  }
}

/** One label set of a {@link LazyHistogram}. */
export class HistogramSeries {
  /** Observations per bucket (not cumulative); the last is above every bound (+Inf). */
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(
    private readonly bounds: readonly number[],
    readonly labels: Record<string, string>,
  ) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    this.sum += value;
    this.count += 1;
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.counts[i]! += 1;
  }

  /** A timer like prom-client's `startTimer`: call the result to observe the seconds since. */
  startTimer(): () => void {
    const started = performance.now();
    return () => this.observe((performance.now() - started) / 1000);
  }
}

interface MetricValue {
  value: number;
  labels: Record<string, string | number>;
  sharedLabels: Record<string, string>;
  metricName: string;
}

/**
 * A Prometheus histogram registered in a prom-client registry as a metric of its own: `get()` gives
 * the registry what prom-client's Histogram would (`_bucket` by `le` with the series' labels,
 * `_sum`, `_count`), so the text is the same.
 */
export class LazyHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, HistogramSeries>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelName: string,
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    registry.registerMetric(this as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  /** The series of one label value, made once. */
  labels(value: string): HistogramSeries {
    let found = this.series.get(value);
    if (!found) this.series.set(value, (found = new HistogramSeries(this.bounds, { [this.labelName]: value })));
    return found;
  }

  get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: MetricValue[] }> {
    const values: MetricValue[] = [];
    for (const series of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += series.counts[i]!;
        values.push({ value: cumulative, labels: { le: bound }, sharedLabels: series.labels, metricName: `${this.name}_bucket` });
      });
      values.push({ value: series.count, labels: { le: '+Inf' }, sharedLabels: series.labels, metricName: `${this.name}_bucket` });
      values.push({ value: series.sum, labels: {}, sharedLabels: series.labels, metricName: `${this.name}_sum` });
      values.push({ value: series.count, labels: {}, sharedLabels: series.labels, metricName: `${this.name}_count` });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }

  reset(): void {
    this.series.clear();
  }
}
