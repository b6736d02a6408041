// @vitest-environment happy-dom
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import '../index.js';
import '../composer/define-composer.js';
import type { ParleyComposer } from './composer.js';

async function mount(setup: (el: ParleyComposer) => void = () => {}) {
  const el = document.createElement('parley-composer');
  setup(el);
  document.body.append(el);
  await el.updateComplete;
  const textarea = el.shadowRoot!.querySelector('textarea')!;
  const submit = el.shadowRoot!.querySelector<HTMLButtonElement>('button[part~="composer-submit"], button[part~="edit-save"]')!;
  return { el, textarea, submit };
}

async function type(el: ParleyComposer, textarea: HTMLTextAreaElement, text: string) {
  textarea.value = text;
  textarea.dispatchEvent(new Event('input'));
  await el.updateComplete;
}

afterEach(() => document.body.replaceChildren());

describe('<parley-composer>', () => {
  it('labels its text box and disables sending while empty', async () => {
    const { el, textarea, submit } = await mount();
    expect(textarea.getAttribute('aria-label')).toBe('Add your comment');
    expect(submit.disabled).toBe(true);
    await type(el, textarea, '   ');
    expect(submit.disabled).toBe(true);
    await type(el, textarea, 'hi');
    expect(submit.disabled).toBe(false);
  });

  it('submits the trimmed text with Ctrl+Enter and Cmd+Enter', async () => {
    const { el, textarea } = await mount();
    const bodies: string[] = [];
    el.addEventListener('parley-composer-submit', (e) => bodies.push((e as unknown as { body: string }).body));
    await type(el, textarea, '  hello \n');
    textarea.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true }));
    textarea.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', metaKey: true }));
    textarea.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    expect(bodies).toEqual(['hello', 'hello']);
  });

  it('shows a counter near the limit and marks text over it', async () => {
    const { el, textarea } = await mount((e) => (e.maxLength = 10));
    await type(el, textarea, 'abc');
    expect(el.shadowRoot!.querySelector('[part~="counter"]')).toBeNull();
    await type(el, textarea, 'abcdefghi');
    expect(el.shadowRoot!.querySelector('[part~="counter"]')?.getAttribute('data-level')).toBe('near');
    await type(el, textarea, 'abcdefghijkl');
    const counter = el.shadowRoot!.querySelector('[part~="counter"]')!;
    expect(counter.getAttribute('data-level')).toBe('over');
    expect(counter.textContent?.replace(/\s+/g, ' ').trim()).toBe('12 / 10');
  });

  it('[W-C2] after a post is sent and the box cleared, focus is in the box, not lost to the page', async () => {
    const { el, textarea, submit } = await mount();
    el.addEventListener('parley-composer-submit', () => el.clear());
    await type(el, textarea, 'hello');
    submit.focus();
    submit.click();
    await el.updateComplete;
    await el.updateComplete;
    expect(textarea.value).toBe('');
    expect(el.shadowRoot!.activeElement).toBe(textarea);
  });

  it('[W-C1] over the limit Post is disabled, says by how much, and Ctrl+Enter sends nothing; the text stays', async () => {
    const bodies: string[] = [];
    const { el, textarea, submit } = await mount((e) => {
      e.maxLength = 10;
      e.addEventListener('parley-composer-submit', (event) => bodies.push((event as unknown as { body: string }).body));
    });
    await type(el, textarea, 'abcdefghijk');
    expect(submit.disabled).toBe(true);
    expect(el.shadowRoot!.querySelector('[part~="over-limit"]')?.textContent).toContain('1 character over the 10-character');
    textarea.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true }));
    expect(bodies).toEqual([]);
    expect(textarea.value).toBe('abcdefghijk');
    // Counted as the server counts: ten emoji are ten characters, not twenty code units.
    await type(el, textarea, '😀'.repeat(10));
    expect(submit.disabled).toBe(false);
  });

  it('uses the edit parts in edit mode and fires nothing when value is set by code', async () => {
    const fired: string[] = [];
    const { el, textarea, submit } = await mount((e) => {
      e.mode = 'edit';
      for (const type of ['parley-composer-submit', 'parley-composer-cancel', 'input', 'change']) {
        e.addEventListener(type, () => fired.push(type));
      }
    });
    expect(textarea.getAttribute('part')).toBe('edit-input');
    expect(submit.getAttribute('part')).toBe('edit-save');
    el.value = 'from code';
    await el.updateComplete;
    expect(textarea.value).toBe('from code');
    expect(fired).toEqual([]);
  });

  it('[SPAM-4] the submit says how long the draft was being written, from its first keystroke; a cleared draft starts again', async () => {
    let clock = 1000;
    const now = vi.spyOn(performance, 'now').mockImplementation(() => clock);
    onTestFinished(() => now.mockRestore());
    const { el, textarea, submit } = await mount();
    const times: (number | undefined)[] = [];
    el.addEventListener('parley-composer-submit', (e) => times.push((e as unknown as { composeMs?: number }).composeMs));
    await type(el, textarea, 'first');
    clock += 4000;
    await type(el, textarea, 'first words');
    clock += 1500;
    submit.click();
    el.clear();
    await el.updateComplete;
    clock += 10_000;
    await type(el, textarea, 'second');
    clock += 700;
    submit.click();
    expect(times).toEqual([5500, 700]);
  });
});
