import { describe, expect, it } from 'vitest';
import { combineVerdicts } from './verdict.js';
import { ModerationHub } from './hub.js';
import { resolveSite } from '../sites/site-config.js';

const site = resolveSite({ id: 'news', secret: 'x'.repeat(32) }, { development: true });
const input = {
  site,
  thread: 't',
  author: { id: 'u', name: 'U', avatar: null, level: 1, role: 'reader' as const },
  body: 'hello',
  parentId: null,
  at: 1,
};

describe('screening verdicts', () => {
  it('[PREMOD-1] the strictest verdict wins, with the reasons of the verdicts at that strictness', () => {
    expect(combineVerdicts([])).toEqual({ action: 'publish', reasons: [] });
    expect(
      combineVerdicts([
        { action: 'hold', reasons: ['links'] },
        { action: 'publish', reasons: ['fine'], tags: ['ok'] },
        { action: 'hold', reasons: ['new reader', 'links'], tags: ['spam'] },
      ]),
    ).toEqual({ action: 'hold', reasons: ['links', 'new reader'], tags: ['ok', 'spam'] });
    expect(combineVerdicts([{ action: 'hold', reasons: ['links'] }, { action: 'reject', reasons: ['a banned word'] }, null])).toEqual({
      action: 'reject',
      reasons: ['a banned word'],
    });
  });

  it('[PREMOD-1] a screener that throws holds the comment; an unregistered one no longer runs', async () => {
    const errors: string[] = [];
    const hub = new ModerationHub((what) => errors.push(what));
    const off = hub.registerScreener('hook', () => {
      throw new Error('down');
    });
    hub.registerScreener('async', async () => ({ action: 'publish', reasons: [], tags: ['checked'] }));
    expect(await hub.runScreeners(input)).toEqual({ action: 'hold', reasons: ['screener hook failed'], tags: ['checked'] });
    expect(errors).toEqual(['screener hook failed; the comment is held']);
    off();
    expect(await hub.runScreeners(input)).toEqual({ action: 'publish', reasons: [], tags: ['checked'] });
  });

  it('[MODLOG-4] a listener that throws is reported and stops no other listener', () => {
    const errors: string[] = [];
    const hub = new ModerationHub((what) => errors.push(what));
    const seen: string[] = [];
    hub.events.on('reader.unbanned', () => {
      throw new Error('boom');
    });
    hub.events.onAny((event) => seen.push(event.name));
    hub.events.emit('reader.unbanned', { site: 'news', userId: 'u', by: { id: 'm', name: 'M', role: 'moderator' }, at: 1 });
    expect(seen).toEqual(['reader.unbanned']);
    expect(errors).toEqual(['moderation listener for reader.unbanned threw']);
  });
});
