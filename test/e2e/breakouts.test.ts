import { describe, expect, it } from 'vitest';
import { addFactor, addLink, readMap, type MapSnapshot } from '../../src/core/model';
import { connectClient, waitFor, waitSynced, type Client } from '../helpers/clients';
import { useBrowserSuite } from '../helpers/e2e';
import { addFactor as addFactorInPage, factorLabels, type Person } from '../helpers/people';
import { createMap } from '../helpers/server';

const suite = useBrowserSuite();

const tokenOf = (link: string) => decodeURIComponent(link.split('#token=')[1]!);

async function openDialog(fac: Person): Promise<void> {
  const details = fac.page.locator('.workshop-bar__controls');
  if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
  await fac.page.getByTestId('breakouts').click();
  await fac.page.getByTestId('breakouts-dialog').waitFor();
}

/** Which dialog (by test id) holds the keyboard focus, if any. */
function focusedDialog(fac: Person): Promise<string | null> {
  return fac.page.evaluate(() => (document.activeElement?.closest('dialog') as HTMLElement | null)?.dataset.testid ?? null);
}

describe('breakouts and merge, from the facilitator’s screen', () => {
  it('makes two breakouts, hands out their links, reviews near matches and a polarity conflict, and merges', async () => {
    const clients: Client[] = [];
    const connect = (id: string, token: string) => {
      const c = connectClient(suite.server.wsUrl, id, token);
      clients.push(c);
      return c;
    };
    /** A fresh stock client's view of a map: what the server holds, once `check` passes. */
    const onServer = async (id: string, token: string, check: (map: MapSnapshot) => boolean, what: string) => {
      const c = connect(id, token);
      await waitSynced(c);
      await waitFor(() => check(readMap(c.doc)), what, 15_000);
      return readMap(c.doc);
    };
    try {
      // The plenary map: two factors and a link, written by a stock client.
      const map = await createMap(suite.server.url, { title: 'Plenary' });
      const seed = connect(map.id, map.tokens.facilitator);
      await waitSynced(seed);
      const funding = addFactor(seed.doc, { label: 'Short-term funding' });
      const turnover = addFactor(seed.doc, { label: 'Staff turnover' });
      addLink(seed.doc, { source: funding, target: turnover, polarity: '+' });

      // The facilitator's browser starts empty, so seeing the factors means the server has them.
      const fac = await suite.join(map.links.facilitator, 'Fay');
      await expect.poll(() => factorLabels(fac.page), { timeout: 15_000 }).toEqual(['Short-term funding', 'Staff turnover']);
      await fac.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: suite.server.url });

      // The dialog takes the focus, and Escape closes it.
      await openDialog(fac);
      expect(await focusedDialog(fac)).toBe('breakouts-dialog');
      await expect.poll(() => fac.page.getByTestId('no-breakouts').count(), { timeout: 10_000 }).toBe(1);
      await fac.page.keyboard.press('Escape');
      await expect.poll(() => fac.page.getByTestId('breakouts-dialog').count()).toBe(0);

      // Two groups, named by default; an empty name is refused with a sentence.
      await openDialog(fac);
      await fac.page.getByTestId('breakout-count').fill('3');
      expect(await fac.page.getByTestId('breakout-name-2').inputValue()).toBe('Group 3');
      await fac.page.getByTestId('breakout-count').fill('2');
      expect(await fac.page.getByTestId('breakout-name-0').inputValue()).toBe('Group 1');
      expect(await fac.page.getByTestId('breakout-name-1').inputValue()).toBe('Group 2');
      await fac.page.getByTestId('breakout-name-1').fill('');
      await fac.page.getByTestId('breakouts-create').click();
      expect(await fac.page.getByTestId('breakout-create-error').textContent()).toBe('Group 2 needs a name: type one, or choose fewer groups.');
      expect(await fac.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('breakout-name-1');
      await fac.page.getByTestId('breakout-name-1').fill('Group 2');
      await fac.page.getByTestId('breakouts-create').click();
      const rows = fac.page.getByTestId('breakout-row');
      await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(2);
      expect(await rows.locator('.breakout__name').allTextContents()).toEqual(['Group 1', 'Group 2']);
      expect(await fac.page.getByTestId('breakouts-message').textContent()).toBe('2 breakouts are ready: Group 1, Group 2. Give each group its link.');

      // What the server says it made, and the links the dialog hands out for it.
      const listed = await (await fetch(`${suite.server.url}/api/maps/${map.id}/breakouts`, { headers: { Authorization: `Bearer ${map.tokens.facilitator}` } })).json() as { id: string; name: string }[];
      expect(listed.map((b) => b.name)).toEqual(['Group 1', 'Group 2']);
      const [one, two] = [listed[0]!, listed[1]!];
      expect(await rows.nth(0).getAttribute('data-breakout-id')).toBe(one.id);
      expect(await rows.nth(1).getAttribute('data-breakout-id')).toBe(two.id);
      const link1 = await rows.nth(0).getByTestId('breakout-editor-link').inputValue();
      const link2 = await rows.nth(1).getByTestId('breakout-editor-link').inputValue();
      expect(link1).toMatch(new RegExp(`/map/${one.id}#token=`));
      expect(link2).toMatch(new RegExp(`/map/${two.id}#token=`));
      expect(tokenOf(link1)).not.toBe(map.tokens.editor);
      expect(await rows.nth(1).getByTestId('breakout-open').getAttribute('href')).toBe(`/map/${two.id}#token=${map.tokens.facilitator}`);
      await rows.nth(1).getByTestId('breakout-copy').click();
      await expect.poll(() => fac.page.getByTestId('breakouts-message').textContent()).toBe('The link for Group 2 is copied.');
      expect(await fac.page.evaluate(() => navigator.clipboard.readText())).toBe(link2);

      // Group 1: a participant opens the group's link in a browser and finds a copy of the plenary.
      const ann = await suite.join(link1, 'Ann');
      await expect.poll(() => factorLabels(ann.page), { timeout: 15_000 }).toEqual(['Short-term funding', 'Staff turnover']);
      await addFactorInPage(ann.page, 'Women turned away from refuges');
      const g1 = connect(one.id, tokenOf(link1));
      await waitSynced(g1);
      await waitFor(() => readMap(g1.doc).nodes.some((n) => n.label === 'Women turned away from refuges'), 'Ann’s factor to reach Group 1', 15_000);
      const g1Map = readMap(g1.doc);
      const id1 = (label: string) => g1Map.nodes.find((n) => n.label === label)!.id;
      const trust1 = addFactor(g1.doc, { label: 'Trust in services' });
      addLink(g1.doc, { source: id1('Short-term funding'), target: trust1, polarity: '-' });
      addLink(g1.doc, { source: id1('Staff turnover'), target: id1('Women turned away from refuges'), polarity: '-' });

      // Group 2: the same factor written differently, a near match, markup in a label, and the opposite polarity.
      const g2 = connect(two.id, tokenOf(link2));
      await waitSynced(g2);
      const g2Map = readMap(g2.doc);
      const id2 = (label: string) => g2Map.nodes.find((n) => n.label === label)!.id;
      const refuges2 = addFactor(g2.doc, { label: 'women turned-away from  REFUGES!' });
      const trust2 = addFactor(g2.doc, { label: 'trust in servics' });
      addFactor(g2.doc, { label: '<b>Stigma</b>' });
      addLink(g2.doc, { source: id2('Short-term funding'), target: trust2, polarity: '-' });
      addLink(g2.doc, { source: id2('Staff turnover'), target: refuges2, polarity: '+' });

      // Both groups' work is on the server before the facilitator looks.
      await onServer(one.id, map.tokens.facilitator, (m) => m.nodes.length === 4 && m.edges.length === 3, 'Group 1’s work on the server');
      await onServer(two.id, map.tokens.facilitator, (m) => m.nodes.length === 5 && m.edges.length === 3, 'Group 2’s work on the server');

      // The review: both breakouts ticked; the near match asks, the conflict is flagged, labels are text.
      const picks = fac.page.getByTestId('merge-pick');
      expect(await picks.count()).toBe(2);
      for (const pick of await picks.all()) expect(await pick.isChecked()).toBe(true);
      await fac.page.getByTestId('merge-review-button').click();
      const review = fac.page.getByTestId('merge-review');
      await review.waitFor({ timeout: 15_000 });
      expect(await fac.page.evaluate(() => document.activeElement?.textContent)).toBe('Review the merge of Group 1, Group 2');
      const near = review.getByTestId('near-match');
      expect(await near.count()).toBe(1);
      expect(await near.locator('legend').textContent()).toBe('“trust in servics” from Group 2');
      expect(await near.locator('label').allTextContents()).toEqual(['Merge with “Trust in services” (from Group 1)', 'Keep as a new factor']);
      const conflict = review.getByTestId('merge-conflict');
      expect(await conflict.count()).toBe(1);
      expect(await conflict.locator('.merge-conflict__link').textContent()).toBe('Staff turnover → Women turned away from refuges');
      expect((await conflict.getByTestId('conflict-side').allTextContents()).sort()).toEqual([
        '+ same direction, said by Group 2',
        '− opposite direction, said by Group 1',
      ]);
      expect((await review.getByTestId('merge-new-factor').allTextContents()).sort()).toEqual([
        '<b>Stigma</b> from Group 2',
        'Trust in services from Group 1',
        'Women turned away from refuges from Group 1; also in Group 2',
      ]);
      expect(await review.locator('b').count()).toBe(0);
      const matched = review.getByTestId('merge-matched');
      expect(await matched.getAttribute('open')).toBeNull();
      expect(await matched.getByTestId('merge-matched-factor').allTextContents()).toContain(
        'Women turned away from refuges new; in Group 1, Group 2; written “women turned-away from  REFUGES!” in Group 2',
      );

      // Merging before deciding is refused with what to do; then the facilitator confirms the near match.
      await fac.page.getByTestId('merge-confirm').click();
      expect(await fac.page.getByTestId('merge-error').textContent()).toBe('Decide about “trust in servics” first: merge it with the proposed factor, or keep it as a new one.');
      expect(await fac.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('near-same');
      await fac.page.keyboard.press('Space');
      expect(await near.getByTestId('near-same').isChecked()).toBe(true);
      await fac.page.getByTestId('merge-confirm').click();
      await expect.poll(() => fac.page.getByTestId('merge-result').textContent().catch(() => null), { timeout: 15_000 })
        .toBe('Merged 2 breakouts: 3 factors and 3 links added, 6 factors and 3 links matched, 1 link to discuss (tagged “polarity conflict”).');

      // The plenary, as a stock client reads it: each factor once, with where it came from.
      const plenary = await onServer(map.id, map.tokens.viewer, (m) => m.nodes.length === 5 && m.edges.length === 4, 'the merge to reach the plenary');
      expect(plenary.nodes.map((n) => n.label).sort()).toEqual(['<b>Stigma</b>', 'Short-term funding', 'Staff turnover', 'Trust in services', 'Women turned away from refuges']);
      const node = (label: string) => plenary.nodes.find((n) => n.label === label)!;
      expect(node('Short-term funding').id).toBe(funding);
      expect(node('Short-term funding').extra.fromBreakouts).toEqual(['Group 1', 'Group 2']);
      expect(node('Trust in services').extra.fromBreakouts).toEqual(['Group 1', 'Group 2']);
      expect(node('Women turned away from refuges').extra.fromBreakouts).toEqual(['Group 1', 'Group 2']);
      expect(node('<b>Stigma</b>').extra.fromBreakouts).toEqual(['Group 2']);
      const between = (from: string, to: string) => plenary.edges.filter((e) => e.source === node(from).id && e.target === node(to).id);
      const [kept] = between('Short-term funding', 'Staff turnover');
      expect(between('Short-term funding', 'Staff turnover')).toHaveLength(1);
      expect(kept!.polarity).toBe('+');
      expect(kept!.tags).not.toContain('polarity conflict');
      const toTrust = between('Short-term funding', 'Trust in services');
      expect(toTrust.map((e) => [e.polarity, e.extra.fromBreakouts])).toEqual([['-', ['Group 1', 'Group 2']]]);
      const disputed = between('Staff turnover', 'Women turned away from refuges').sort((a, b) => (a.polarity < b.polarity ? -1 : 1));
      expect(disputed.map((e) => [e.polarity, e.extra.fromBreakouts])).toEqual([['+', ['Group 2']], ['-', ['Group 1']]]);
      for (const edge of disputed) expect(edge.tags).toContain('polarity conflict');

      // The facilitator's own canvas caught up through sync, and Escape closes the dialog.
      await expect.poll(() => factorLabels(fac.page), { timeout: 15_000 }).toEqual(plenary.nodes.map((n) => n.label).sort());
      expect(await focusedDialog(fac)).toBe('breakouts-dialog');
      await fac.page.keyboard.press('Escape');
      await expect.poll(() => fac.page.getByTestId('breakouts-dialog').count()).toBe(0);
      for (const p of [fac, ann]) expect(p.errors).toEqual([]);
    } finally {
      for (const c of clients) c.destroy();
    }
  }, 150_000);
});
