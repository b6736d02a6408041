import { describe, expect, it } from 'vitest';
import { reorderGraceMs, SeqCheck } from './seq-check.js';

describe('SeqCheck', () => {
  it('[W-S11] a seq that comes after a later one fills its hole: late, not lost; a repeat is neither', () => {
    const check = new SeqCheck();
    check.start(10);
    expect(check.accept(11, 0)).toBe(true);
    expect(check.accept(14, 0)).toBe(true);
    // 12 and 13 are on their way: missing now, though the last seq is the final one.
    expect(check.missing(14)).toBe(2);
    expect(check.accept(13, 100)).toBe(true);
    expect(check.accept(12, reorderGraceMs + 1)).toBe(true);
    expect(check.accept(12, reorderGraceMs + 2)).toBe(false);
    expect(check.accept(9, reorderGraceMs + 2)).toBe(false);
    expect(check.missing(14)).toBe(0);
    expect([check.late, check.lateBeyondGrace, check.repeated]).toEqual([2, 1, 2]);
    expect(check.longestHoleMs).toBe(reorderGraceMs + 1);
    // Seqs after the last one received are missing too; holes above the asked seq are not counted.
    expect(check.missing(16)).toBe(2);
    check.accept(18, 0);
    expect(check.missing(14)).toBe(0);
    expect(check.missing(18)).toBe(3);
  });
});
