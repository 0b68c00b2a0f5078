import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readEdges, readNodes, readWithdrawals } from '../../src/core/model';
import { connectClient, waitFor, waitSynced } from '../helpers/clients';
import { useBrowserSuite } from '../helpers/e2e';
import { addFactor, factorLabels, factorNode, viewSettled, type Person } from '../helpers/people';
import { addFactor as addFactorOp } from '../../src/core/model';
import { createMap } from '../helpers/server';

const suite = useBrowserSuite();
const PHONE = { width: 390, height: 844 };

async function openControls(fac: Person): Promise<void> {
  const details = fac.page.locator('.workshop-bar__controls');
  if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
}

/** The session controls fold over the side panel; fold them away to reach it. */
async function closeControls(fac: Person): Promise<void> {
  const details = fac.page.locator('.workshop-bar__controls');
  if ((await details.getAttribute('open')) !== null) await details.locator('summary').click();
}

/** Factor names in the text view, sorted. */
async function textViewFactors(page: Page): Promise<string[]> {
  return (await page.locator('[data-testid="textview-factor"] .textview__label').allTextContents()).sort();
}

async function simpleAdd(page: Page, label: string): Promise<void> {
  if ((await page.getByTestId('simple-add').getAttribute('aria-expanded')) !== 'true') await page.getByTestId('simple-add').click();
  await page.getByTestId('simple-label').fill(label);
  await page.getByTestId('simple-add-submit').click();
  await expect.poll(() => textViewFactors(page)).toContain(label);
}

describe('taking part: a custom plan, the simple view, withdrawing and hiding', () => {
  it('a facilitator writes a phase of their own; a participant on a phone adds, connects, votes and withdraws in the simple view', async () => {
    const map = await createMap(suite.server.url, { title: 'Participation' });
    const fac = await suite.join(map.links.facilitator, 'Fay');
    // A phone starts in the simple view; the shared link can ask for it too.
    const ann = await suite.join(map.links.editor, 'Ann', { viewport: PHONE, touch: true });
    const ben = await suite.join(`${map.links.editor}&simple=0`, 'Ben');
    await ann.page.getByTestId('simple-mode').waitFor();
    expect(await ann.page.getByTestId('add-factor').count()).toBe(0); // no full toolbar
    expect(await ben.page.getByTestId('simple-mode').count()).toBe(0);

    // The facilitator writes a phase of their own: only comments allowed.
    await openControls(fac);
    await fac.page.getByTestId('plan-edit').click();
    await fac.page.getByTestId('plan-add').click();
    const added = fac.page.getByTestId('plan-phase').last();
    await added.getByTestId('plan-name').fill('Stories from the room');
    await added.getByTestId('plan-prompt').fill('Say what you have seen happen; do not change the map yet.');
    await added.getByTestId('plan-allow-add').uncheck();
    await added.getByTestId('plan-allow-edit').uncheck();
    await fac.page.getByTestId('plan-save').click();
    await expect.poll(() => fac.page.getByTestId('plan-editor').count()).toBe(0);
    await fac.page.getByTestId('phase-select').selectOption({ label: 'Stories from the room' });
    for (const p of [ann, ben]) {
      await expect.poll(() => p.page.getByTestId('phase-name').textContent(), { timeout: 10_000 }).toBe('Stories from the room');
      await expect.poll(() => p.page.getByTestId('phase-prompt').textContent()).toMatch(/do not change the map yet/);
    }
    expect(await ann.page.getByTestId('simple-add').isDisabled()).toBe(true);
    expect(await ann.page.getByTestId('simple-readonly').textContent()).toMatch(/cannot be changed/);
    // In the full editor a refused key says why in words, not that the link is view-only.
    await ben.page.locator('.react-flow__pane').click({ position: { x: 40, y: 40 } });
    await ben.page.keyboard.press('n');
    await expect.poll(() => ben.page.getByTestId('announcer').textContent()).toMatch(/In this phase the map cannot be changed/);
    await expect.poll(() => ben.page.getByTestId('notice').textContent()).toMatch(/In this phase the map cannot be changed/);

    // Back to gathering: the phone adds two factors and connects them with big controls.
    await fac.page.getByTestId('phase-select').selectOption('gather');
    await expect.poll(() => ann.page.getByTestId('simple-add').isDisabled(), { timeout: 10_000 }).toBe(false);
    await simpleAdd(ann.page, 'Short-term funding');
    await simpleAdd(ann.page, 'Staff turnover');
    await expect.poll(() => factorLabels(fac.page), { timeout: 10_000 }).toEqual(['Short-term funding', 'Staff turnover']);
    await ann.page.getByTestId('simple-connect').click();
    const option = (label: string) => ann.page.getByTestId('simple-from').locator('option', { hasText: label }).getAttribute('value');
    await ann.page.getByTestId('simple-from').selectOption((await option('Short-term funding'))!);
    await ann.page.getByTestId('simple-to').selectOption((await option('Staff turnover'))!);
    await ann.page.getByTestId('simple-polarity-plus').check();
    await ann.page.getByTestId('simple-delay').check();
    await expect.poll(() => ann.page.getByTestId('simple-preview').textContent()).toBe('Short-term funding increases staff turnover, after a delay.');
    await ann.page.getByTestId('simple-connect-submit').click();
    await expect.poll(() => ann.page.getByTestId('simple-message').textContent()).toMatch(/Connected: Short-term funding increases staff turnover/);

    const observer = connectClient(suite.server.wsUrl, map.id, map.tokens.viewer, { client: 'observer' });
    try {
      await waitSynced(observer);
      await waitFor(() => readEdges(observer.doc).length === 1, 'the link to reach the server');
      expect(readEdges(observer.doc)[0]).toMatchObject({ polarity: '+', delay: true });

      // Ben adds a factor; the facilitator hides it; participants no longer see it anywhere.
      await addFactor(ben.page, 'Off-topic remark');
      await waitFor(() => readNodes(observer.doc).length === 3, 'Ben\'s factor to reach the server');
      // Ben's factor lands where Ben was looking: on the facilitator's smaller canvas that was the
      // bottom-right corner, nearly all out of view, and a click there reached it only sometimes.
      // She does what a person would: fits the map in view first.
      await closeControls(fac);
      await fac.page.getByTestId('fit').click();
      await viewSettled(fac.page);
      await factorNode(fac.page, 'Off-topic remark').click();
      await fac.page.getByTestId('tab-details').click();
      await fac.page.getByTestId('moderate-hide').click();
      await expect.poll(() => textViewFactors(ann.page), { timeout: 10_000 }).toEqual(['Short-term funding', 'Staff turnover']);
      await expect.poll(() => factorLabels(ben.page), { timeout: 10_000 }).toEqual(['Short-term funding', 'Staff turnover']);
      // The facilitator still sees it, faded, and lists it under moderation.
      expect(await factorNode(fac.page, 'Off-topic remark').getAttribute('class')).toMatch(/is-moderated/);
      expect(await fac.page.getByTestId('moderated-list').textContent()).toContain('Off-topic remark');

      // The facilitator locks one factor: a participant may comment on it but not change it.
      await factorNode(fac.page, 'Short-term funding').click();
      await fac.page.getByTestId('moderate-lock').click();
      await factorNode(ben.page, 'Short-term funding').click();
      await ben.page.getByTestId('tab-details').click();
      await expect.poll(() => ben.page.getByTestId('element-locked').count(), { timeout: 10_000 }).toBe(1);
      await expect.poll(() => ben.page.getByTestId('factor-label-input').getAttribute('readonly')).not.toBeNull();
      // On the canvas it says so, and it cannot be dragged away to spring back.
      await expect.poll(() => factorNode(ben.page, 'Short-term funding').getByTestId('badge-locked').count()).toBe(1);
      expect(await factorNode(ben.page, 'Short-term funding').getAttribute('class')).not.toMatch(/\bdraggable\b/);
      expect(await factorNode(fac.page, 'Short-term funding').getAttribute('class')).toMatch(/\bdraggable\b/);
      // Delete on it is refused in words, before anything reaches the server.
      await factorNode(ben.page, 'Short-term funding').click();
      await ben.page.keyboard.press('Delete');
      await expect.poll(() => ben.page.getByTestId('notice').textContent()).toMatch(/locked that/);
      expect(await factorLabels(ben.page)).toContain('Short-term funding');
      await fac.page.getByTestId('moderate-lock').click();
      await expect.poll(() => ben.page.getByTestId('element-locked').count(), { timeout: 10_000 }).toBe(0);
      await expect.poll(() => ben.page.getByTestId('factor-label-input').getAttribute('readonly')).toBeNull();
      await expect.poll(() => factorNode(ben.page, 'Short-term funding').getByTestId('badge-locked').count()).toBe(0);
      expect(await factorNode(ben.page, 'Short-term funding').getAttribute('class')).toMatch(/\bdraggable\b/);

      // Ann withdraws what she added, in a phase where she cannot edit: it goes for everyone, and comes back.
      await openControls(fac);
      await fac.page.getByTestId('phase-select').selectOption('loops');
      await expect.poll(() => ann.page.getByTestId('simple-add').isDisabled(), { timeout: 10_000 }).toBe(true);
      await ann.page.getByTestId('simple-mine').click();
      const mine = ann.page.getByTestId('simple-mine-list');
      await mine.locator('li', { hasText: /^Staff turnover/ }).getByRole('button', { name: 'Withdraw' }).click();
      await waitFor(() => readWithdrawals(observer.doc).size === 1, 'the withdrawal to reach the server');
      await expect.poll(() => factorLabels(ben.page), { timeout: 10_000 }).toEqual(['Short-term funding']);
      const exported = (await (await fetch(`${suite.server.url}/api/maps/${map.id}/export?format=json&token=${map.tokens.viewer}`)).json()) as { nodes: { label: string }[]; edges: unknown[] };
      expect(exported.nodes.map((n) => n.label)).toEqual(['Short-term funding']);
      expect(exported.edges).toEqual([]);
      await mine.locator('li', { hasText: /^Staff turnover/ }).getByRole('button', { name: 'Put back' }).click();
      await expect.poll(() => factorLabels(ben.page), { timeout: 10_000 }).toEqual(['Short-term funding', 'Staff turnover']);

      // A dot vote from the phone.
      await openControls(fac);
      await fac.page.getByTestId('vote-open-button').click();
      await expect.poll(() => ann.page.getByTestId('simple-vote').isDisabled(), { timeout: 10_000 }).toBe(false);
      await ann.page.getByTestId('simple-vote').click();
      await ann.page.locator('.vote-row', { hasText: 'Staff turnover' }).getByTestId('add-dot').click();
      await expect.poll(() => ann.page.getByTestId('dots-left').textContent()).toMatch(/2 of 3 dots left/);
      await waitFor(() => {
        const ballots = observer.doc.getMap('votes');
        return [...ballots.values()].some((b) => b instanceof Y.Map && b.size === 1);
      }, 'the ballot to reach the server');
    } finally {
      observer.destroy();
    }

    // Ben switches to the simple view and back; the choice is kept on his device.
    await ben.page.getByTestId('simple-toggle').click();
    await ben.page.getByTestId('simple-mode').waitFor();
    await ben.page.reload();
    await ben.page.getByTestId('simple-mode').waitFor();
    await ben.page.getByTestId('simple-toggle').click();
    await ben.page.locator('.react-flow').waitFor();
    for (const p of [fac, ann, ben]) expect(p.errors).toEqual([]);
  }, 150_000);

  it('the simple view puts a new factor by the others, not at the corner of the map', async () => {
    const map = await createMap(suite.server.url, { title: 'Placement' });
    const seeder = connectClient(suite.server.wsUrl, map.id, map.tokens.facilitator, { client: 'seeder' });
    try {
      await waitSynced(seeder);
      addFactorOp(seeder.doc, { label: 'Far left', x: 3000, y: 2000 }, { author: 'seeder' });
      addFactorOp(seeder.doc, { label: 'Far right', x: 3600, y: 2400 }, { author: 'seeder' });
      const sam = await suite.join(map.links.editor, 'Sam', { viewport: PHONE, touch: true });
      await sam.page.getByTestId('simple-mode').waitFor();
      await expect.poll(() => textViewFactors(sam.page), { timeout: 10_000 }).toEqual(['Far left', 'Far right']);
      await simpleAdd(sam.page, 'Waiting lists');
      await waitFor(() => readNodes(seeder.doc).length === 3, 'the new factor to arrive');
      const added = readNodes(seeder.doc).find((n) => n.label === 'Waiting lists')!;
      expect(added.x).toBeGreaterThan(2500);
      expect(added.x).toBeLessThan(4200);
      expect(added.y).toBeGreaterThan(1500);
      expect(added.y).toBeLessThan(2900);
      expect(sam.errors).toEqual([]);
    } finally {
      seeder.destroy();
    }
  }, 60_000);
});
