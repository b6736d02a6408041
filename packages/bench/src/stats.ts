/**
 * Latency samples and their summaries. Samples live in a growable Float64Array because a hot run
 * collects comments × readers receipts (120,000 at 3,000 readers) and boxing each in a JS array
 * would itself load the client core that also runs the readers.
 */

export interface LatencySummary {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

export class SampleSet {
  private values = new Float64Array(1024);
  private length = 0;

  add(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }

  get count(): number {
    return this.length;
  }

  /** A copy of the samples (to send to another thread, or merge into another set). */
  toArray(): Float64Array {
    return this.values.slice(0, this.length);
  }

  addAll(values: ArrayLike<number>): void {
    for (let i = 0; i < values.length; i++) this.add(values[i] as number);
  }

  summary(): LatencySummary {
    return summarize(this.values.subarray(0, this.length));
  }
}

export function summarize(samples: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const count = sorted.length;
  if (count === 0) return { count, p50: null, p90: null, p99: null, max: null, mean: null };
  let total = 0;
  for (const value of sorted) total += value;
  return {
    count,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: sorted[count - 1] ?? null,
    mean: total / count,
  };
}

/** Nearest-rank percentile of an ascending array: the smallest value ≥ fraction of all samples. */
export function percentile(sorted: ArrayLike<number>, fraction: number): number {
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

export function median(samples: readonly number[]): number | null {
  return samples.length === 0 ? null : percentile([...samples].sort((a, b) => a - b), 0.5);
}

/** a / b, or null when either side is missing or b is zero (a ratio of nothing is not 0 or ∞). */
export function ratio(a: number | null, b: number | null): number | null {
  if (a === null || b === null || b === 0) return null;
  return a / b;
}
