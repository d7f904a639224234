// A log-bucketed latency histogram (1% resolution from 1 µs up), cheap to record into and to
// send between processes: load workers merge theirs into one before percentiles are read.

const GROWTH = Math.log(1.01);
const FLOOR_MS = 0.001;

export class Histogram {
  constructor() {
    /** bucket index -> count */
    this.counts = new Map();
    this.total = 0;
    this.max = 0;
    this.sum = 0;
  }

  record(ms) {
    const value = ms > FLOOR_MS ? ms : FLOOR_MS;
    const bucket = Math.floor(Math.log(value / FLOOR_MS) / GROWTH);
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
    this.total += 1;
    this.sum += value;
    if (value > this.max) this.max = value;
  }

  merge(other) {
    for (const [bucket, count] of other.counts) this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + count);
    this.total += other.total;
    this.sum += other.sum;
    if (other.max > this.max) this.max = other.max;
    return this;
  }

  /** The value at quantile q (0..1), as the upper edge of its bucket (at most 1% high). */
  quantile(q) {
    if (this.total === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (const bucket of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(bucket);
      if (seen >= rank) return Math.min(this.max, FLOOR_MS * Math.exp((bucket + 1) * GROWTH));
    }
    return this.max;
  }

  summary() {
    return {
      count: this.total,
      p50: this.quantile(0.5),
      p95: this.quantile(0.95),
      p99: this.quantile(0.99),
      max: this.total === 0 ? Number.NaN : this.max,
      mean: this.total === 0 ? Number.NaN : this.sum / this.total,
    };
  }

  toJSON() {
    return { counts: [...this.counts], total: this.total, max: this.max, sum: this.sum };
  }

  static fromJSON(json) {
    const histogram = new Histogram();
    histogram.counts = new Map(json.counts);
    histogram.total = json.total;
    histogram.max = json.max;
    histogram.sum = json.sum;
    return histogram;
  }
}
