import { readFileSync } from 'node:fs';
import { compressToUTF16 } from 'lz-string';
import { describe, expect, it } from 'vitest';
import { importFile, type ParsedMap } from '../../src/core/formats';
import { polarityFromStyleName } from '../../src/core/formats/prsm';
import { loopyModelText } from '../../src/core/formats/loopy';
import { parsePolarityWord } from '../../src/core/formats/types';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/formats/${name}`, import.meta.url));

function links(map: ParsedMap): string[] {
  const label = new Map(map.nodes.map((n) => [n.id, n.label]));
  return map.edges.map((e) => `${label.get(e.source)} → ${label.get(e.target)} ${e.polarity}${e.delay ? ' delayed' : ''}`).sort();
}

function node(map: ParsedMap, label: string) {
  const found = map.nodes.find((n) => n.label === label);
  if (!found) throw new Error(`no factor "${label}" in ${map.nodes.map((n) => n.label).join(', ')}`);
  return found;
}

describe('Vensim .mdl written by Vensim', () => {
  const map = importFile('mdl', fixture('vensim-cld.mdl'));

  it('reads every variable once across views, with positions from the defining view', () => {
    expect(map.nodes.map((n) => n.label).sort()).toEqual([
      'Client trust', 'Funding cycles, short-term', 'Housing stability', 'Outreach', 'Staff turnover', 'Waiting list', 'referrals',
    ]);
    expect([node(map, 'Client trust').x, node(map, 'Client trust').y]).toEqual([340, 150]);
    expect([node(map, 'Staff turnover').x, node(map, 'Staff turnover').y]).toEqual([140, 90]);
  });

  it('takes polarity from the arrow field (+, -, S, O, none), the delay mark, skips flow pipes and repeated arrows', () => {
    expect(links(map)).toEqual([
      'Client trust → Outreach -',
      'Client trust → Staff turnover ?',
      'Client trust → referrals +',
      'Funding cycles, short-term → Staff turnover + delayed',
      'Housing stability → Client trust +',
      'Housing stability → Staff turnover -',
      'Outreach → Client trust +',
      'Staff turnover → Client trust -',
    ]);
  });

  it('reads notes from the equation comments', () => {
    expect(node(map, 'Client trust').note).toBe('How far people trust the service.');
    expect(node(map, 'Funding cycles, short-term').note).toBe('One to three years; ends before "staff settle".');
    expect(node(map, 'Outreach').note).toBe('');
  });
});

describe('Kumu JSON', () => {
  it('reads a project export: _id references, attributes, positions from the default map, mutual and undirected links', () => {
    const map = importFile('kumu', fixture('kumu-blueprint.json'));
    expect(map.title).toBe('Refuge access');
    expect(node(map, 'Short-term funding')).toMatchObject({ kind: 'barrier', x: -120, y: 40, note: 'One to three year contracts.', tags: ['commissioning', 'funding'] });
    expect(node(map, 'Staff turnover')).toMatchObject({ kind: 'factor', tags: ['Issue'] });
    expect(node(map, 'Navigators').kind).toBe('innovation');
    expect(node(map, 'Trust in services <b>').x).toBe(0);
    expect(links(map)).toEqual([
      'Navigators → Staff turnover -',
      'Navigators → Trust in services <b> ?',
      'Short-term funding → Staff turnover + delayed',
      'Staff turnover → Trust in services <b> -',
      'Trust in services <b> → Navigators ?',
      'Trust in services <b> → Staff turnover -',
    ]);
    expect(map.edges.find((e) => e.id === 'c-1')!.note).toBe('Contracts end before staff settle.');
  });

  it('reads the import format: ends by label (any case), polarity from effect / type / sign', () => {
    const map = importFile('kumu', fixture('kumu-simple.json'));
    expect(links(map)).toEqual([
      'Exclusion → Rigid eligibility -',
      'Missed appointments → Exclusion +',
      'Rigid eligibility → Missed appointments +',
    ]);
    expect(node(map, 'Rigid eligibility')).toMatchObject({ kind: 'barrier', tags: ['access', 'thresholds'] });
    expect(node(map, 'Exclusion').kind).toBe('outcome');
  });
});

describe('PRSM', () => {
  const check = (map: ParsedMap) => {
    expect(map.title).toBe('Dual diagnosis (PRSM)');
    expect(map.nodes.map((n) => n.label).sort()).toEqual(['Drug services refuse', 'Joint commissioning', 'Mental health services refuse', 'Untreated illness']);
    expect(node(map, 'Mental health services refuse')).toMatchObject({ kind: 'barrier', x: -100, y: 20, note: "Won't assess until\ndrinking stops." });
    expect(node(map, 'Joint commissioning').kind).toBe('innovation');
    expect(node(map, 'Untreated illness').note).toBe('Plain note');
    expect(links(map)).toEqual([
      'Drug services refuse → Mental health services refuse +',
      'Drug services refuse → Untreated illness ?',
      'Joint commissioning → Mental health services refuse -',
      'Mental health services refuse → Untreated illness +',
      'Untreated illness → Drug services refuse + delayed',
    ]);
  };

  it('reads a plain .prsm file, polarity from link style names', () => {
    check(importFile('prsm', fixture('prsm-plain.prsm')));
  });

  it('reads a compressed .prsm file (lz-string UTF-16, saved as UTF-8 with a BOM)', () => {
    const compressed = `\ufeff${compressToUTF16(fixture('prsm-plain.prsm').toString('utf8'))}`;
    expect(compressed.startsWith('\ufeff{')).toBe(false);
    check(importFile('prsm', new TextEncoder().encode(compressed)));
  });

  it('maps style names to polarity', () => {
    expect(['Positive influence', 'Negative influence', '+ve', 'Increases', 'opposite effect', 'Link', 'Non-linear'].map(polarityFromStyleName))
      .toEqual(['+', '-', '+', '+', '-', '?', '?']);
  });
});

describe('LOOPY', () => {
  it('reads a v1.1 share link: labels decoded, strength sign to polarity, positions', () => {
    const map = importFile('loopy', fixture('loopy-link.txt'));
    expect(map.nodes.map((n) => n.label).sort()).toEqual(['Grass', 'Rabbits', 'Staff turnover & morale']);
    expect(node(map, 'Rabbits')).toMatchObject({ x: 323, y: 193 });
    expect(links(map)).toEqual([
      'Grass → Grass +',
      'Grass → Rabbits +',
      'Rabbits → Grass -',
      'Rabbits → Staff turnover & morale +',
      'Staff turnover & morale → Rabbits -',
    ]);
  });

  it('accepts the data value alone, encoded or not', () => {
    const link = fixture('loopy-link.txt').toString('utf8');
    const data = link.slice(link.indexOf('data=') + 5).trim();
    expect(importFile('loopy', data).edges).toHaveLength(5);
    const json = loopyModelText(link);
    expect(json.startsWith('[[[1,403,223')).toBe(true);
    expect(importFile('loopy', json).edges).toHaveLength(5);
  });
});

describe('GraphML, GEXF and CSV from other tools', () => {
  it('yEd GraphML: labels and positions from the graphics, descriptions as notes, undirected edges both ways', () => {
    const map = importFile('graphml', fixture('yed.graphml'));
    expect(node(map, 'Refuges turn women away')).toMatchObject({ x: 10.5, y: -20, note: 'Quote from a practitioner \non two lines' });
    expect(links(map)).toEqual([
      'Complex needs & trauma → Refuges turn women away ?',
      'Refuges turn women away → Complex needs & trauma -',
      'Refuges turn women away → Complex needs & trauma ?',
    ]);
  });

  it('Gephi GEXF 1.2: attribute titles, defaults, a weight of -1, undirected default, y flipped', () => {
    const map = importFile('gexf', fixture('gephi.gexf'));
    expect(map.title).toBe('Gephi sample');
    expect(node(map, 'Commissioning silos')).toMatchObject({ kind: 'barrier', tags: ['funding', 'policy'], x: 15.5, y: -100 });
    expect(node(map, "Women's centres").tags).toEqual(['gephi']);
    expect(links(map)).toEqual([
      'Commissioning silos → Joined-up support -',
      "Commissioning silos → Women's centres ?",
      "Women's centres → Commissioning silos ?",
      "Women's centres → Joined-up support +",
    ]);
  });

  it('CSV with semicolons, From/To/Sign headers and polarity words; unknown factors made from names', () => {
    const map = importFile('csv', fixture('links-semicolon.csv'));
    expect(links(map)).toEqual([
      'Refuges → Staff turnover ?',
      'Short-term funding → Staff turnover + delayed',
      'Short-term funding → Staff turnover -',
      'Staff turnover → Short-term funding -',
      'Staff turnover → Staff turnover +',
    ]);
    expect(map.edges.find((e) => e.note === 'takes; years')).toBeDefined();
    expect(map.nodes).toHaveLength(3);
  });

  it('polarity words', () => {
    expect(['+', '-', '?', 'positive', 'Negative', 'same', 'OPPOSITE', 's', 'o', '', '−'].map(parsePolarityWord))
      .toEqual(['+', '-', '?', '+', '-', '+', '-', '+', '-', '?', '-']);
    expect(parsePolarityWord('sideways')).toBeNull();
  });
});
