import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addFactor, addLink, initMap, readMap, setLeverage, updateFactor, updateLink } from '../../src/core/model';
import { LOCAL_ORIGIN } from '../../src/sync/origin';
import {
  clipboardPayload, makePayload, pastePayload, payloadFromHtml, payloadToHtml, payloadToText,
} from '../../src/app/editor/clipboard';
import { incomingSentence, inSentence, linkSentence, nextPolarity } from '../../src/app/editor/describe';
import { LabelIndex } from '../../src/app/editor/fuzzy';
import { QuickEntryError, describePlan, parseQuickEntry, planQuickEntry } from '../../src/app/editor/quick-entry';
import { suggestTags } from '../../src/app/editor/tags';

const ctx = { origin: LOCAL_ORIGIN, author: 'me' };

describe('the map in words', () => {
  it('reads a link as a sentence, lowering only ordinary capitals', () => {
    expect(linkSentence({ polarity: '+', delay: true }, 'Short-term funding', 'Staff turnover')).toBe('Short-term funding increases staff turnover, after a delay');
    expect(linkSentence({ polarity: '-', delay: false }, 'Trust', 'NHS waiting times')).toBe('Trust decreases NHS waiting times');
    expect(linkSentence({ polarity: '?', delay: false }, 'A', 'B')).toBe('A affects (direction not agreed) B');
    expect(incomingSentence({ polarity: '-', delay: false }, 'Cuts', 'Prevention')).toBe('Prevention is decreased by cuts');
    expect(inSentence("Women's centres")).toBe("women's centres");
    expect(inSentence('Women-specific, gender-informed provision')).toBe('women-specific, gender-informed provision');
    expect(inSentence('Siloed, single-issue policy')).toBe('siloed, single-issue policy');
    expect(inSentence('A&E attendance')).toBe('A&E attendance');
    expect(linkSentence({ polarity: '+', delay: false }, '   ', 'X')).toBe('Untitled factor increases X');
  });

  it('cycles polarity + → − → ? → +', () => {
    expect([nextPolarity('+'), nextPolarity('-'), nextPolarity('?')]).toEqual(['-', '?', '+']);
  });
});

describe('quick entry', () => {
  it('parses arrows, polarity, delay and chains', () => {
    expect(parseQuickEntry('Short-term funding -> + Staff turnover')).toEqual({
      labels: [{ text: 'Short-term funding', literal: false }, { text: 'Staff turnover', literal: false }],
      links: [{ polarity: '+', delay: false }],
    });
    expect(parseQuickEntry('A -> - B, delay').links).toEqual([{ polarity: '-', delay: true }]);
    expect(parseQuickEntry('A → − B delay').links).toEqual([{ polarity: '-', delay: true }]);
    expect(parseQuickEntry('A -> ? B').links).toEqual([{ polarity: '?', delay: false }]);
    expect(parseQuickEntry('A -> B').links).toEqual([{ polarity: '+', delay: false }]);
    expect(parseQuickEntry('A -> + delay B').links).toEqual([{ polarity: '+', delay: true }]);
    const chain = parseQuickEntry('Trust -> + Engagement -> - Exclusion (delay)');
    expect(chain.labels.map((l) => l.text)).toEqual(['Trust', 'Engagement', 'Exclusion']);
    expect(chain.links).toEqual([{ polarity: '+', delay: false }, { polarity: '-', delay: true }]);
    // A hyphen inside a label is not a polarity.
    expect(parseQuickEntry('Self-harm -> + Re-telling trauma').labels.map((l) => l.text)).toEqual(['Self-harm', 'Re-telling trauma']);
    expect(parseQuickEntry('"Staff turnover" -> + Trust').labels[0]).toEqual({ text: 'Staff turnover', literal: true });
    expect(parseQuickEntry('Just a factor')).toEqual({ labels: [{ text: 'Just a factor', literal: false }], links: [] });
  });

  it('says what is wrong in words', () => {
    expect(() => parseQuickEntry('')).toThrow(QuickEntryError);
    expect(() => parseQuickEntry(' -> + B')).toThrow("Type a factor's name before ->.");
    expect(() => parseQuickEntry('A -> + ')).toThrow("Type a factor's name after ->.");
  });

  it('matches existing labels exactly, then fuzzily; quoted sides are never fuzzy', () => {
    const index = new LabelIndex([
      { id: 'f1', label: 'Short-term funding cycles' },
      { id: 'f2', label: 'Staff turnover' },
    ]);
    const plan = planQuickEntry(parseQuickEntry('short-term funding cycles -> - staff turnovr'), index);
    expect(plan.factors).toEqual([
      { label: 'Short-term funding cycles', existingId: 'f1', matchedLabel: null },
      { label: 'Staff turnover', existingId: 'f2', matchedLabel: 'Staff turnover' },
    ]);
    expect(plan.links).toEqual([{ from: 0, to: 1, polarity: '-', delay: false }]);
    expect(describePlan(plan)).toBe('“Short-term funding cycles” → − “Staff turnover” (matched)');
    const literal = planQuickEntry(parseQuickEntry('"staff turnovr" -> + Trust'), index);
    expect(literal.factors[0]).toEqual({ label: 'staff turnovr', existingId: null, matchedLabel: null });
    // Nothing near: a new factor. The same new label twice is one factor (a loop).
    const loop = planQuickEntry(parseQuickEntry('Waiting lists -> + Crisis -> + Waiting lists'), index);
    expect(loop.factors.map((f) => f.existingId)).toEqual([null, null]);
    expect(loop.links.map((l) => [l.from, l.to])).toEqual([[0, 1], [1, 0]]);
    const exactOnly = planQuickEntry(parseQuickEntry('staff turnovr -> + X'), index, { fuzzy: false });
    expect(exactOnly.factors[0]!.existingId).toBeNull();
  });
});

describe('clipboard', () => {
  function sample() {
    const doc = new Y.Doc();
    initMap(doc, { mapId: 'm1', title: 'One' });
    const a = addFactor(doc, { label: '<b>Funding</b>', kind: 'barrier', x: 100, y: 50, note: 'a note', tags: ['funding'] }, ctx);
    const b = addFactor(doc, { label: 'Turnover', x: 400, y: 50 }, ctx);
    const c = addFactor(doc, { label: 'Left behind', x: 900, y: 900 }, ctx);
    const link = addLink(doc, { source: a, target: b, polarity: '-', delay: true }, ctx);
    updateLink(doc, link, { strength: 3, confidence: 'high', evidence: 'quote', evidenceSource: 'report', evidenceType: 'stated' }, ctx);
    updateFactor(doc, a, { evidence: 'seen', evidenceType: 'implied' }, ctx);
    setLeverage(doc, a, { level: 5, rationale: 'rules' }, ctx);
    addLink(doc, { source: b, target: c }, ctx);
    return { doc, a, b };
  }

  it('round-trips the selection through HTML, with its links among it only, as new elements', () => {
    const { doc, a, b } = sample();
    const map = readMap(doc);
    const payload = makePayload(map.nodes.filter((n) => n.id === a || n.id === b), map.edges);
    expect(payload.links).toHaveLength(1);
    expect(payloadToText(payload)).toBe('<b>Funding</b> -> - Turnover, delay');
    const html = payloadToHtml(payload);
    // Labels in the readable part are escaped: the HTML carries no markup from them.
    expect(html).not.toContain('<b>Funding');
    const back = payloadFromHtml(html);
    expect(back).toEqual(payload);

    const target = new Y.Doc();
    initMap(target, { mapId: 'm2', title: 'Two' });
    const result = pastePayload(target, back!, { x: 1000, y: 1000 }, ctx);
    const pasted = readMap(target);
    expect(pasted.nodes.map((n) => [n.label, n.kind, n.x, n.y]).sort()).toEqual([['<b>Funding</b>', 'barrier', 1000, 1000], ['Turnover', 'factor', 1300, 1000]]);
    expect(result.factorIds).not.toContain(a);
    const funding = pasted.nodes.find((n) => n.label === '<b>Funding</b>')!;
    expect(funding.leverage).toMatchObject({ level: 5, rationale: 'rules' });
    expect(funding.evidence).toEqual({ text: 'seen', source: '', type: 'implied' });
    expect(funding.tags).toEqual(['funding']);
    expect(pasted.edges).toHaveLength(1);
    expect(pasted.edges[0]).toMatchObject({ polarity: '-', delay: true, strength: 3, confidence: 'high', evidence: { text: 'quote', source: 'report', type: 'stated' } });
  });

  it('rejects clipboard contents that are not a valid selection', () => {
    expect(payloadFromHtml('<p>hello</p>')).toBeNull();
    expect(payloadFromHtml('<div data-causeway-clipboard="bm90IGpzb24="></div>')).toBeNull();
    const bad = btoa(JSON.stringify({ format: 'causeway-clipboard', version: 1, factors: [{ id: 'x', label: '', x: 0, y: 0, kind: 'factor' }], links: [] }));
    expect(payloadFromHtml(`<div data-causeway-clipboard="${bad}"></div>`)).toBeNull();
    expect(clipboardPayload.safeParse({ format: 'causeway-clipboard', version: 1, factors: [], links: [{ source: 'a', target: 'b', polarity: '!' }] }).success).toBe(false);
  });
});

describe('tag suggestions', () => {
  it('offers the map\'s tags first, then the vocabulary, without those already there', () => {
    const got = suggestTags('', ['local thing', 'funding'], ['funding']);
    expect(got[0]).toEqual({ tag: 'local thing', group: 'On this map' });
    expect(got.some((s) => s.tag === 'funding')).toBe(false);
    expect(suggestTags('wom', [], []).map((s) => s.tag)).toEqual(['women', 'women with no recourse to public funds', 'BME women', 'disabled women']);
  });
});
