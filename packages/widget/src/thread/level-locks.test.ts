// @vitest-environment happy-dom
/**
 * [W-G1] A locked action says from which level it opens ("Available from LVL n"), for the composer
 * and for plus/minus alike; [W-G2] it follows `thread:gates` and `viewer:update` without a reload.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Gates, ThreadGatesUpdate, ViewerSession } from '@parley/protocol';
import { OPEN_GATES } from '@parley/protocol';
import '../index.js';
import '../thread/live-parts.js'; // <parley-composer>, the economy's store, the desk, the inline forms [PAINT-15]
import type { ParleyThread } from './thread.js';
import { FakeConnection } from '../state/testing/fake-connection.js';
import { THREAD, bella, snapshot, viewer } from '../state/testing/fixtures.js';

/** The fake plus the two server pushes that change what a reader may do. */
class GatedConnection extends FakeConnection {
  private readonly gateListeners = new Set<(update: ThreadGatesUpdate) => void>();
  private readonly sessionListeners = new Set<(session: ViewerSession) => void>();
  onGates(listener: (update: ThreadGatesUpdate) => void): () => void {
    this.gateListeners.add(listener);
    return () => this.gateListeners.delete(listener);
  }
  onSession(listener: (session: ViewerSession) => void): () => void {
    this.sessionListeners.add(listener);
    return () => this.sessionListeners.delete(listener);
  }
  pushGates(gates: Gates): void {
    this.gateListeners.forEach((listener) => listener({ thread: THREAD, gates }));
  }
  pushSession(session: ViewerSession): void {
    this.sessionListeners.forEach((listener) => listener(session));
  }
}

async function mountAt(level: number, gates: Gates) {
  const el = document.createElement('parley-thread');
  const connection = new GatedConnection();
  el.connector = () => connection;
  el.thread = THREAD;
  document.body.append(el);
  await el.updateComplete;
  connection.setStatus('connected');
  connection.answer('thread:join', snapshot([], { viewer: viewer({ ...bella, level }, { level, gates }) }));
  await el.updateComplete;
  await el.updateComplete;
  return { el, connection };
}

const part = (el: ParleyThread, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const button = (el: ParleyThread, name: 'plus' | 'minus') => el.shadowRoot!.querySelector<HTMLButtonElement>(`button[part~="${name}"]`)!;

afterEach(() => {
  document.body.replaceChildren();
  sessionStorage.clear();
});

describe('[W-G1] plus and minus below their gate', () => {
  it('[W-G1] are disabled with "Available from LVL n" as their title and visible text', async () => {
    const { el } = await mountAt(4, { ...OPEN_GATES, plus: 5, minus: 5, comment: 13 });
    for (const name of ['plus', 'minus'] as const) {
      expect(button(el, name).disabled).toBe(true);
      expect(button(el, name).title).toBe('Available from LVL 5');
      expect(button(el, name).getAttribute('aria-label')).toMatch(/Available from LVL 5$/);
    }
    expect(part(el, 'vote-lock')?.textContent).toBe('Available from LVL 5');
    expect(part(el, 'lock-reason')?.textContent).toContain('Available from LVL 13');
  });

  it('[W-G1] different gates are named each, and an open one stays usable', async () => {
    const { el, connection } = await mountAt(4, { ...OPEN_GATES, minus: 8 });
    expect(button(el, 'plus').disabled).toBe(false);
    expect(button(el, 'minus').disabled).toBe(true);
    expect(part(el, 'vote-lock')?.textContent).toBe('Minus from LVL 8');
    button(el, 'plus').click();
    expect(connection.pending('post:vote').input).toMatchObject({ value: 'plus' });
  });

  it('[W-G1] at or above the gate there is no lock text', async () => {
    const { el } = await mountAt(13, { ...OPEN_GATES, plus: 13, minus: 13 });
    expect(button(el, 'plus').disabled).toBe(false);
    expect(part(el, 'vote-lock')).toBeNull();
  });
});

describe('[W-G2] locks follow the server live', () => {
  it('[W-G2] an admin raising a gate (thread:gates) locks the open widget; a level-up unlocks it', async () => {
    const { el, connection } = await mountAt(13, { ...OPEN_GATES, comment: 13 });
    expect(part(el, 'locked')).toBeNull();
    expect(button(el, 'plus').disabled).toBe(false);

    connection.pushGates({ ...OPEN_GATES, comment: 20, plus: 20, minus: 20 });
    await el.updateComplete;
    expect(part(el, 'lock-reason')?.textContent).toContain('Available from LVL 20');
    expect(button(el, 'plus').title).toBe('Available from LVL 20');

    connection.pushSession({ user: { ...bella, level: 20 }, role: 'reader', level: 20, expiresAt: null });
    await el.updateComplete;
    expect(part(el, 'locked')).toBeNull();
    expect(part(el, 'vote-lock')).toBeNull();
    expect(button(el, 'plus').disabled).toBe(false);
  });
});
