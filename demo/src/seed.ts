import type { ParleyServer } from '@parley/server';
import { findPersona } from './personas.js';

export const DEMO_THREAD = 'world/2025/iran-offers-mediation-pakistan-afghanistan';
export const DEMO_TITLE = 'Iran Offers Mediation in Pakistan-Afghanistan Dispute Following Failed Talks';

/** The reference page's five comments, in page order. */
const seedComments: readonly [persona: string, body: string][] = [
  ['muchacha', "This is a positive diplomatic move. Direct talks clearly weren't working, so a third party is crucial."],
  ['bella', 'Any effort to promote dialogue is welcome, especially after failed negotiations. However, for mediation to be effective, both Pakistan and Afghanistan must genuinely commit to addressing the underlying causes of their dispute, which run deeper than just border skirmishes.'],
  ['ongania', 'Unity and brotherhood is the right approach. This could prevent further bloodshed.'],
  ['manolo', "While Iran's offer to mediate is well-intentioned and highlights the urgent need for peace, their own geopolitical interests in the region could complicate true neutrality."],
  ['eliphas', 'Offering mediation is a positive step to prevent further escalation in a volatile region. Still, given the history of mistrust and specific demands from Pakistan regarding TTP, Iran faces an uphill battle to find common ground.'],
];

/**
 * Posts the seed comments through the same command path a socket uses. Each has a fixed requestId,
 * so seeding is idempotent: a restart on the same database stores them once.
 */
export async function seedDemoThread(server: ParleyServer): Promise<void> {
  // The host creates and publishes the post, with the byline's Staff Correspondent as its author
  // (who pays the Post Publish Tribute and earns from pluses and reactions), as the page's signed
  // thread-token also says. Idempotent: a restart publishes once.
  const staff = findPersona('staff');
  if (!staff) throw new Error('the demo needs its staff persona');
  await server.upsertThread({ id: DEMO_THREAD, title: DEMO_TITLE, author: staff.id, published: true });
  for (const [i, [personaId, body]] of seedComments.entries()) {
    const persona = findPersona(personaId);
    if (!persona) throw new Error(`unknown seed persona ${personaId}`);
    const identity = { id: persona.id, name: persona.name, avatar: null, level: persona.lvl, role: 'reader' as const };
    const ack = await server.dispatch(identity, 'comment:post', {
      requestId: `seed-${i + 1}`,
      thread: DEMO_THREAD,
      body,
    });
    if (!ack.ok) throw new Error(`seeding comment ${i + 1} failed: ${ack.error.code} ${ack.error.message}`);
  }
}
