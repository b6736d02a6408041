import { describe, expect, it } from 'vitest';
import { layeredIntervalGate, memoryIntervalGate, type IntervalGate } from './interval-gate.js';

/** A shared gate (what Redis is in a cluster) on the test's clock, counting what it is asked. */
function countedShared(now: () => number): IntervalGate & { asked: number } {
  const inner = memoryIntervalGate(now);
  const gate = {
    asked: 0,
    claim(key: string, forMs: number) {
      gate.asked += 1;
      return inner.claim(key, forMs);
    },
  };
  return gate;
}

describe('[BEAT-3] the heartbeat gate with memory in front of the shared one', () => {
  it('[BEAT-3] a claim this node knows is taken is refused without asking the shared gate', async () => {
    let t = 1_000_000;
    const now = () => t;
    const shared = countedShared(now);
    const gate = layeredIntervalGate(shared, now);
    expect(await gate.claim('ann', 5000)).toBe(0);
    t += 1000;
    expect(await gate.claim('ann', 5000)).toBe(4000);
    expect(await gate.claim('ann', 5000)).toBe(4000);
    expect(shared.asked).toBe(1);
    t += 4000;
    expect(await gate.claim('ann', 5000)).toBe(0);
    expect(shared.asked).toBe(2);
  });

  it('[BEAT-3] what another node claimed is refused as the shared gate says, and only until it frees', async () => {
    let t = 1_000_000;
    const now = () => t;
    const shared = countedShared(now);
    const here = layeredIntervalGate(shared, now);
    const there = layeredIntervalGate(shared, now);
    expect(await there.claim('ann', 5000)).toBe(0);
    t += 2000;
    expect(await here.claim('ann', 5000)).toBe(3000);
    t += 1000;
    expect(await here.claim('ann', 5000)).toBe(2000); // from memory
    expect(shared.asked).toBe(2);
    t += 2000;
    // Free on the shared gate: this node does not hold it a moment longer.
    expect(await here.claim('ann', 5000)).toBe(0);
    expect(await there.claim('ann', 5000)).toBeGreaterThan(0);
  });

  it('[BEAT-3][CAP-4] keys are one reader each: another reader is never refused for the first', async () => {
    let t = 0;
    const gate = layeredIntervalGate(memoryIntervalGate(() => t), () => t);
    expect(await gate.claim('ann', 5000)).toBe(0);
    expect(await gate.claim('bob', 5000)).toBe(0);
    t += 10;
    expect(await gate.claim('ann', 5000)).toBeGreaterThan(0);
  });
});
