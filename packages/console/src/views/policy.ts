/** The pre-moderation fields of the site's and a thread's settings forms, and what they read back. */
import { html, type TemplateResult } from 'lit';
import type { Policy } from '../api.js';

export function policyFields(policy: Policy, scope: string): TemplateResult {
  return html`<fieldset>
    <legend>Pre-moderation: hold for review${scope === 'thread' ? ' (adds to the site\'s)' : ''}</legend>
    <label class="inline"><input type="checkbox" name="all" .checked=${policy.all ?? false} /> Every comment</label>
    <label class="inline"><input type="checkbox" name="links" .checked=${policy.links ?? false} /> Comments with links</label>
    <div class="grid">
      <label for="${scope}-below">Readers below LVL<input id="${scope}-below" type="number" min="0" max="1000" name="belowLevel" .value=${policy.belowLevel === undefined ? '' : String(policy.belowLevel)} /></label>
      <label for="${scope}-first">A new reader's first N comments<input id="${scope}-first" type="number" min="0" max="1000" name="firstComments" .value=${policy.firstComments === undefined ? '' : String(policy.firstComments)} /></label>
    </div>
  </fieldset>`;
}

/** A thread's policy only adds to the site's (`tightening`): unchecked means "as the site says". */
export function readPolicy(data: FormData, tightening = false): Policy {
  const number = (name: string): number | undefined => (String(data.get(name) ?? '') === '' ? undefined : Number(data.get(name)));
  const policy: Policy = {};
  for (const flag of ['all', 'links'] as const) if (data.get(flag) === 'on' || !tightening) policy[flag] = data.get(flag) === 'on';
  const below = number('belowLevel');
  const first = number('firstComments');
  if (below !== undefined) policy.belowLevel = below;
  if (first !== undefined) policy.firstComments = first;
  return policy;
}
