// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IDLE_AFTER_MS, ReadTracker } from './read-tracker.js';

function setVisibility(state: 'visible' | 'hidden'): void {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  document.dispatchEvent(new Event('visibilitychange'));
}

describe('ReadTracker', () => {
  afterEach(() => {
    vi.useRealTimers();
    setVisibility('visible');
  });

  it('beats at once and then every interval while the page is visible and the reader active', () => {
    vi.useFakeTimers();
    setVisibility('visible');
    const beat = vi.fn();
    const tracker = new ReadTracker({ beat, intervalMs: 1000 });
    expect(beat).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(3000);
    expect(beat).toHaveBeenCalledTimes(4);
    tracker.dispose();
    vi.advanceTimersByTime(3000);
    expect(beat).toHaveBeenCalledTimes(4);
  });

  it('sends nothing while the page is hidden, and restarts at once when it is shown', () => {
    vi.useFakeTimers();
    setVisibility('visible');
    const beat = vi.fn();
    const tracker = new ReadTracker({ beat, intervalMs: 1000 });
    setVisibility('hidden');
    beat.mockClear();
    vi.advanceTimersByTime(5000);
    expect(beat).not.toHaveBeenCalled();
    setVisibility('visible');
    expect(beat).toHaveBeenCalledTimes(1);
    tracker.dispose();
  });

  it('stops when the reader has been idle, and restarts on the first scroll or key', () => {
    vi.useFakeTimers();
    setVisibility('visible');
    const beat = vi.fn();
    const tracker = new ReadTracker({ beat, intervalMs: 1000 });
    vi.advanceTimersByTime(IDLE_AFTER_MS + 1000);
    beat.mockClear();
    vi.advanceTimersByTime(5000);
    expect(beat).not.toHaveBeenCalled();
    window.dispatchEvent(new Event('scroll'));
    expect(beat).toHaveBeenCalledTimes(1);
    tracker.dispose();
  });
});
