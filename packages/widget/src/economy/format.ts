/** "3 Twei", "+3 Twei", "−1 Twei" (a real minus sign, so screen readers say "minus"). */
export function twei(amount: number, signed = false): string {
  const sign = signed && amount > 0 ? '+' : amount < 0 ? '−' : '';
  return `${sign}${Math.abs(amount)} Twei`;
}

/** "6:05 PM, Nov 29" in the reader's locale. */
export function reportDate(at: number): string {
  return new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
