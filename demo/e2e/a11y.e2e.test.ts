/**
 * axe-core on the demo page as readers see it: light and dark, desktop and mobile, a reader who can
 * comment, a reader below the comment gate (the locked composer) and a moderator (the moderation
 * buttons, the delete confirmation). SPEC W-A11Y2: no serious or critical violation.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ParleyServer } from '@parley/server';
import { launchChromium, startDemoForTest } from './harness.js';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeNode { target: unknown[]; html: string; failureSummary?: string }
interface AxeViolation { id: string; impact: string | null; help: string; nodes: AxeNode[] }

/** Runs axe over the widget (its shadow roots included) and keeps what is serious or critical. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run({ include: [['parley-thread']] }, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'], resultTypes: ['violations'] });
    return result.violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.slice(0, 3).map((n) => `  ${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`).join('\n')}`);
}

const viewports = {
  desktop: { viewport: { width: 1100, height: 1400 } },
  mobile: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
} as const;

describe('[W-A11Y2] axe finds no serious violation in the widget', () => {
  let server: ParleyServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startDemoForTest();
    browser = await launchChromium();
  });

  for (const scheme of ['light', 'dark'] as const) {
    for (const [device, options] of Object.entries(viewports)) {
      it(`${scheme}, ${device}: a reader who can comment, one below the gate, a moderator mid-delete`, async () => {
        const context = await browser.newContext({ ...options, colorScheme: scheme });
        try {
          const page = await context.newPage();
          const found: string[] = [];
          for (const persona of ['writer', 'newcomer', 'moderator']) {
            await page.goto(`${server.url}/?as=${persona}`);
            await page.locator('[part~="status"][data-status="connected"]').waitFor();
            await page.locator('[part~="comment"]').first().waitFor();
            if (persona === 'moderator') {
              // The strongest button the widget draws: the red "Delete" of the confirmation.
              await page.locator('button[part~="delete"]').first().click();
              await page.locator('button[part~="delete-confirm"]').waitFor();
            }
            found.push(...(await seriousViolations(page)).map((v) => `${persona}: ${v}`));
          }
          expect(found).toEqual([]);
        } finally {
          await context.close();
        }
      });
    }
  }
});
