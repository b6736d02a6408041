// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import '../index.js';
import '../thread/live-parts.js'; // <parley-composer>, the economy's store, the desk, the inline forms [PAINT-15]
import type { ParleyNotes } from './notes.js';

async function mount(setup: (el: ParleyNotes) => void = () => {}) {
  const el = document.createElement('parley-notes');
  setup(el);
  document.body.append(el);
  await el.updateComplete;
  return el;
}

const part = (el: ParleyNotes, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);

afterEach(() => document.body.replaceChildren());

describe('<parley-notes>', () => {
  it('is a labelled region; editors get a labelled text box with the shared text', async () => {
    const el = await mount((n) => {
      n.canEdit = true;
      n.text = 'Iran offers to mediate.';
    });
    const region = part(el, 'notes')!;
    const heading = el.shadowRoot!.getElementById(region.getAttribute('aria-labelledby')!)!;
    expect(heading.textContent).toBe('Key points');
    const box = part(el, 'notes-input') as HTMLTextAreaElement;
    expect(box.getAttribute('aria-labelledby')).toBe('notes-heading');
    expect(box.value).toBe('Iran offers to mediate.');
    expect(part(el, 'notes-lock')).toBeNull();
  });

  it('readers below the gate read it live, with the level that unlocks editing', async () => {
    const el = await mount((n) => {
      n.text = 'Summary.';
      n.requiredLevel = 15;
    });
    expect(part(el, 'notes-input')).toBeNull();
    expect(part(el, 'notes-text')!.textContent).toBe('Summary.');
    expect(part(el, 'notes-lock')!.textContent).toBe('Editing available from LVL 15');
    el.text = 'Summary, changed.';
    await el.updateComplete;
    expect(part(el, 'notes-text')!.textContent).toBe('Summary, changed.');
    el.requiredLevel = null;
    await el.updateComplete;
    expect(part(el, 'notes-lock')!.textContent).toBe('Sign in to edit');
  });

  it('typing fires parley-notes-input; setting `text` never fires it', async () => {
    const el = await mount((n) => (n.canEdit = true));
    const values: string[] = [];
    el.addEventListener('parley-notes-input', (e) => values.push((e as unknown as { value: string }).value));
    el.text = 'from someone else';
    await el.updateComplete;
    expect(values).toEqual([]);
    const box = part(el, 'notes-input') as HTMLTextAreaElement;
    box.value = 'from someone else!';
    box.dispatchEvent(new Event('input'));
    expect(values).toEqual(['from someone else!']);
  });

  it('keeps the caret where the reader is typing when someone else edits before it', async () => {
    const el = await mount((n) => {
      n.canEdit = true;
      n.text = 'hello world';
    });
    const box = part(el, 'notes-input') as HTMLTextAreaElement;
    box.focus();
    box.setSelectionRange(8, 8); // inside "world"
    el.text = 'oh, hello world';
    await el.updateComplete;
    expect(box.value).toBe('oh, hello world');
    expect(box.selectionStart).toBe(12);
  });
});
