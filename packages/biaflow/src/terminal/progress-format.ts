import { printable } from '@biaflow/image';

/** `75` → `1:15`, `4000` → `1:06:40`; `?` when unknown. */
export function clock(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const two = (n: number) => String(n).padStart(2, '0');
  if (s < 3600) return `${Math.floor(s / 60)}:${two(s % 60)}`;
  return `${Math.floor(s / 3600)}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
}

function number(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 1000 ? v.toFixed(0) : v.toPrecision(4);
}

/**
 * The figures a task reports beside its count, as words: `loss 0.4123, run left 2:10` (a key
 * ending in `_s` is a duration; underscores read as spaces).
 */
export function describeInfo(info: Record<string, number | string | null> | undefined): string {
  if (!info) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(info)) {
    if (value === null || value === undefined) continue;
    if (key.endsWith('_s') && typeof value === 'number') parts.push(`${key.slice(0, -2).replace(/_/g, ' ')} ${clock(value)}`);
    else parts.push(`${key.replace(/_/g, ' ')} ${typeof value === 'number' ? number(value) : printable(String(value))}`);
  }
  return parts.join(', ');
}

/** Units per second from the first update seen (so the time before the first unit does not count) to now. */
export class RateMeter {
  private from?: { t: number; done: number };
  private last?: { t: number; done: number };

  /** Note `done` units at time `t` (ms). */
  note(done: number, t = Date.now()): void {
    if (!this.from) this.from = { t, done };
    this.last = { t, done };
  }

  /** Units per second, or undefined before two distinct updates. */
  get rate(): number | undefined {
    if (!this.from || !this.last || this.last.t <= this.from.t || this.last.done <= this.from.done) return undefined;
    return ((this.last.done - this.from.done) * 1000) / (this.last.t - this.from.t);
  }

  /** Seconds left for `total` units at the current rate. */
  left(total: number): number | undefined {
    const r = this.rate;
    return r && this.last ? (total - this.last.done) / r : undefined;
  }
}

/** `3.1 steps/s` (or `0.21 images/s`). */
export function describeRate(rate: number | undefined, unit: string): string {
  if (rate === undefined) return `- ${unit}/s`;
  return `${rate >= 10 ? rate.toFixed(0) : rate.toPrecision(2)} ${unit}/s`;
}
