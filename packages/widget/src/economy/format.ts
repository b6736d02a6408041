/** "3 Twei", "+3 Twei", "−1 Twei" (a real minus sign, so screen readers say "minus"). */
export function twei(amount: number, signed = false): string {
  const sign = signed && amount > 0 ? '+' : amount < 0 ? '−' : '';
  return `${sign}${Math.abs(amount)} Twei`;
}

/** "6:05 PM, Nov 29" in the reader's locale. */
export function reportDate(at: number): string {
  return new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** "20 s", "1 min", "1 min 30 s", "4 min". */
export function duration(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  const min = Math.floor(seconds / 60);
  const s = seconds % 60;
  if (min === 0) return `${s} s`;
  return s === 0 ? `${min} min` : `${min} min ${s} s`;
}
