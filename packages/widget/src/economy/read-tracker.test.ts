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

  it('[W-E17] says once that reading stopped when the page is hidden, the reader idle, or the tracker disposed while reading', () => {
    vi.useFakeTimers();
    setVisibility('visible');
    const beat = vi.fn();
    const stop = vi.fn();
    const tracker = new ReadTracker({ beat, stop, intervalMs: 1000 });
    vi.advanceTimersByTime(2000);
    expect(stop).not.toHaveBeenCalled();
    setVisibility('hidden');
    expect(stop).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(5000);
    expect(stop).toHaveBeenCalledTimes(1); // once, not every interval while hidden
    beat.mockClear();
    setVisibility('visible');
    expect(beat).toHaveBeenCalledTimes(1);
    // Idle: the first tick that finds the reader idle stops, and beats no more.
    vi.advanceTimersByTime(IDLE_AFTER_MS + 1000);
    expect(stop).toHaveBeenCalledTimes(2);
    beat.mockClear();
    vi.advanceTimersByTime(5000);
    expect(beat).not.toHaveBeenCalled();
    expect(stop).toHaveBeenCalledTimes(2);
    window.dispatchEvent(new Event('keydown'));
    expect(beat).toHaveBeenCalledTimes(1);
    tracker.dispose();
    expect(stop).toHaveBeenCalledTimes(3);
    // Disposed while not reading: nothing more to say.
    const idle = new ReadTracker({ beat, stop, intervalMs: 1000 });
    setVisibility('hidden');
    expect(stop).toHaveBeenCalledTimes(4);
    idle.dispose();
    expect(stop).toHaveBeenCalledTimes(4);
  });
});
