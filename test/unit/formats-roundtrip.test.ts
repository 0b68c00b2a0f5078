import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LABELS, sampleInput } from '../fixtures/formats/sample-map';
import {
  EXPORT_FORMATS, IMPORT_FORMATS, exportCsv, exportGexf, exportGraphml, exportMap, exportMapFiles, exportMdl,
  importCsv, importCsvFiles, importFile, importFormatFromFilename, type ExportInput, type ParsedMap,
} from '../../src/core/formats';
import { applyMapJson } from '../../src/core/formats/json';
import { initMap, readMap } from '../../src/core/model';

/** Links as sorted "source label → target label polarity delay" lines: a multiset that ignores ids. */
function linkSet(map: { nodes: { id: string; label: string }[]; edges: { source: string; target: string; polarity: string; delay: boolean }[] }): string[] {
  const label = new Map(map.nodes.map((n) => [n.id, n.label]));
  return map.edges.map((e) => `${label.get(e.source)} → ${label.get(e.target)} ${e.polarity}${e.delay ? ' delayed' : ''}`).sort();
}

function factorSet(map: { nodes: { label: string; kind: string }[] }, withKind: boolean): string[] {
  return map.nodes.map((n) => (withKind ? `${n.label} [${n.kind}]` : n.label)).sort();
}

function expectSameMap(parsed: ParsedMap, input: ExportInput, carries: { kinds: boolean; notes?: boolean; positions?: boolean; tags?: boolean; research?: boolean }) {
  expect(factorSet(parsed, carries.kinds)).toEqual(factorSet(input, carries.kinds));
  expect(linkSet(parsed)).toEqual(linkSet(input));
  expect(parsed.edges).toHaveLength(8);
  const byLabel = new Map(parsed.nodes.map((n) => [n.label, n]));
  const a = byLabel.get(LABELS.a)!;
  if (carries.notes) expect(a.note).toBe('A "quoted" note,\nwith a second line');
  if (carries.tags) expect(a.tags).toEqual(['+plus', 'funding']);
  if (carries.research) {
    // Evidence, strength and confidence: what researchers need.
    expect(a.evidence).toEqual({ text: '"Contracts end every year"', source: 'Workshop 1, person working in the system', type: 'stated' });
    const label = new Map(parsed.nodes.map((n) => [n.id, n.label]));
    const l1 = parsed.edges.find((e) => label.get(e.source) === LABELS.a && label.get(e.target) === LABELS.b)!;
    expect(l1).toMatchObject({ strength: 3, confidence: 'high', evidence: { text: 'Staff leave when contracts end', source: 'AVA report', type: 'implied' } });
    expect(parsed.edges.map((e) => `${e.strength ?? '-'}${e.confidence ?? '-'}`).sort()).toEqual(['--', '--', '--', '--', '--', '--', '1low', '3high']);
  }
  if (carries.positions) {
    for (const n of input.nodes) {
      const got = byLabel.get(n.label)!;
      expect([got.x, got.y]).toEqual([n.x, n.y]);
    }
  }
}

describe('the sample map', () => {
  it('has what the round trips need: a self-link, opposite parallel links, a "?" link, delays, hostile labels', () => {
    const input = sampleInput();
    const links = linkSet(input);
    expect(links).toContain(`${LABELS.c} → ${LABELS.c} +`);
    expect(links).toContain(`${LABELS.b} → ${LABELS.c} +`);
    expect(links).toContain(`${LABELS.b} → ${LABELS.c} -`);
    expect(links).toContain(`${LABELS.d} → ${LABELS.a} ?`);
    expect(links).toContain(`${LABELS.a} → ${LABELS.b} + delayed`);
    expect(input.loops.map((l) => l.polarity).sort()).toEqual(['B', 'B', 'R', 'R']);
    expect(input.loopsComplete).toBe(true);
  });
});

describe('round trips: export, then import, gives the same factors, links, polarity and delays', () => {
  it('CSV (factors.csv + links.csv): labels, kinds, notes, tags, positions, leverage', () => {
    const input = sampleInput();
    const { files } = exportCsv(input);
    const parsed = importCsvFiles({ links: files['links.csv'], factors: files['factors.csv'] });
    expectSameMap(parsed, input, { kinds: true, notes: true, positions: true, tags: true, research: true });
    expect(parsed.nodes.map((n) => n.id).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(parsed.edges.map((e) => e.id).sort()).toEqual(['l1', 'l2', 'l3', 'l4', 'l5', 'l6', 'l7', 'l8']);
    expect(parsed.nodes.find((n) => n.id === 'a')!.leverage).toEqual({ level: 5, rationale: 'rules' });
    expect(parsed.nodes.find((n) => n.id === 'e')!.note).toBe('@SUM(A1)');
    expect(parsed.edges.find((e) => e.id === 'l2')!.tags).toEqual(['contested']);
    expect(parsed.edges.find((e) => e.id === 'l1')!.createdAt).toBe(1_700_000_000_000);
  });

  it('CSV links.csv alone: factors come from the label columns (the isolated factor is lost)', () => {
    const input = sampleInput();
    const parsed = importCsv(exportCsv(input).files['links.csv']);
    expect(linkSet(parsed)).toEqual(linkSet(input));
    expect(factorSet(parsed, false)).toEqual(factorSet(input, false).filter((l) => l !== LABELS.f));
  });

  it('GraphML: labels, kinds, notes, tags, positions', () => {
    const input = sampleInput();
    const parsed = importFile('graphml', exportGraphml(input));
    expectSameMap(parsed, input, { kinds: true, notes: true, positions: true, tags: true, research: true });
    expect(parsed.title).toBe(input.title);
    expect(parsed.edges.find((e) => e.id === 'l1')!.note).toBe('takes years');
  });

  it('GEXF 1.3: labels, kinds, notes, tags, positions (y flipped and back)', () => {
    const input = sampleInput();
    const gexf = exportGexf(input);
    expect(gexf).toContain('version="1.3"');
    expect(gexf).toContain('<viz:position x="320" y="40"/>');
    const parsed = importFile('gexf', gexf);
    expectSameMap(parsed, input, { kinds: true, notes: true, positions: true, tags: true, research: true });
    expect(parsed.title).toBe(input.title);
  });

  it('Vensim MDL: labels, notes, links, polarity and delays (kinds are not carried)', () => {
    const input = sampleInput();
    const mdl = exportMdl(input);
    const parsed = importFile('mdl', mdl);
    expectSameMap(parsed, input, { kinds: false, notes: true });
    expect(parsed.nodes.every((n) => n.kind === 'factor')).toBe(true);
  });

  it('causeway JSON through the registry restores the map exactly', async () => {
    const input = sampleInput();
    const file = await exportMap('json', { ...input, now: new Date(0) });
    const parsed = importFile('json', new TextEncoder().encode(file.body as string));
    const doc = new Y.Doc();
    initMap(doc, { mapId: 'copy', title: '' });
    applyMapJson(doc, parsed);
    const map = readMap(doc);
    expect(map.nodes.map((n) => [n.id, n.label, n.kind, n.x, n.y, n.note, n.tags, n.evidence]).sort()).toEqual(
      input.nodes.map((n) => [n.id, n.label, n.kind, n.x, n.y, n.note, n.tags, n.evidence]).sort(),
    );
    expect(map.sections).toEqual(input.sections);
    expect(map.sections).toHaveLength(1);
    expect(linkSet(map)).toEqual(linkSet(input));
    expect(JSON.parse(file.body as string).loops).toHaveLength(4);
  });
});

describe('exports are deterministic and complete', () => {
  it('the same map gives the same bytes for every text format', async () => {
    for (const format of ['csv', 'graphml', 'gexf', 'dot', 'mdl', 'svg'] as const) {
      const [first, second] = [await exportMapFiles(format, sampleInput()), await exportMapFiles(format, sampleInput())];
      expect(first.map((f) => f.body), format).toEqual(second.map((f) => f.body));
    }
  });

  it('CSV gives three files with the loops listed R/B with names', () => {
    const { files } = exportCsv(sampleInput());
    expect(Object.keys(files).sort()).toEqual(['factors.csv', 'links.csv', 'loops.csv']);
    const loops = files['loops.csv'].trim().split('\r\n');
    expect(loops[0]).toBe('id,label,name,polarity,delayed,length,factor_ids,factor_labels,link_ids,list_complete');
    expect(loops).toHaveLength(5);
    expect(loops.find((l) => l.startsWith('l1>l2,'))).toMatch(/^l1>l2,B1,The churn trap <b>,B,true,2,a b,/);
  });

  it('a link whose factor is gone (concurrent delete) is left out, not exported dangling', async () => {
    const input = sampleInput();
    const broken = { ...input, nodes: input.nodes.filter((n) => n.id !== 'e') };
    for (const format of ['graphml', 'gexf', 'mdl'] as const) {
      const file = await exportMap(format, broken);
      const parsed = importFile(format, file.body as string);
      expect(parsed.edges, format).toHaveLength(7);
    }
  });

  it('the registry lists formats with content types and extensions, and every export format exports', async () => {
    expect(Object.keys(EXPORT_FORMATS).sort()).toEqual(['csv', 'dot', 'gexf', 'graphml', 'json', 'mdl', 'png', 'svg']);
    expect(Object.keys(IMPORT_FORMATS).sort()).toEqual(['csv', 'gexf', 'graphml', 'json', 'kumu', 'loopy', 'mdl', 'prsm']);
    for (const format of Object.keys(EXPORT_FORMATS) as (keyof typeof EXPORT_FORMATS)[]) {
      const file = await exportMap(format, sampleInput());
      expect(file.contentType).toBe(EXPORT_FORMATS[format].contentType);
      expect(file.filename.endsWith(`.${EXPORT_FORMATS[format].extension}`), file.filename).toBe(true);
      expect(file.body.length).toBeGreaterThan(100);
    }
    expect(importFormatFromFilename('Map.GEXF')).toBe('gexf');
    expect(importFormatFromFilename('notes.docx')).toBeNull();
  });
});

describe('edge cases of size', () => {
  const empty: ExportInput = { title: '', nodes: [], edges: [], loops: [], loopsComplete: true };

  it('an empty map exports in every format; the structural ones import back empty', async () => {
    for (const format of Object.keys(EXPORT_FORMATS) as (keyof typeof EXPORT_FORMATS)[]) {
      const file = await exportMap(format, empty);
      expect(file.body.length, format).toBeGreaterThan(0);
    }
    expect(importFile('graphml', exportGraphml(empty)).nodes).toEqual([]);
    expect(importFile('gexf', exportGexf(empty)).nodes).toEqual([]);
    expect(importCsvFiles({ links: exportCsv(empty).files['links.csv'], factors: exportCsv(empty).files['factors.csv'] }).nodes).toEqual([]);
  });

  it('a 2,000-factor, 4,000-link map round-trips through GraphML, GEXF, CSV and MDL in reasonable time', () => {
    const nodes = Array.from({ length: 2_000 }, (_, i) => ({
      id: `n${i}`, label: `Factor ${i}`, kind: 'factor', x: (i % 50) * 200, y: Math.floor(i / 50) * 100, note: '', tags: [], leverage: null,
      evidence: { text: '', source: '', type: null }, createdBy: '', createdAt: 0, extra: {},
    }));
    const edges = Array.from({ length: 4_000 }, (_, i) => ({
      id: `e${i}`, source: `n${i % 2_000}`, target: `n${(i * 7 + 3) % 2_000}`, polarity: (['+', '-', '?'] as const)[i % 3]!, delay: i % 5 === 0,
      note: '', tags: [], leverage: null, evidence: { text: '', source: '', type: null }, strength: null, confidence: null,
      createdBy: '', createdAt: 0, extra: {},
    }));
    const big: ExportInput = { title: 'Big', nodes, edges, loops: [], loopsComplete: false };
    const started = Date.now();
    for (const parsed of [
      importFile('graphml', exportGraphml(big)),
      importFile('gexf', exportGexf(big)),
      importCsvFiles({ links: exportCsv(big).files['links.csv'], factors: exportCsv(big).files['factors.csv'] }),
      importFile('mdl', exportMdl(big)),
    ]) {
      expect(parsed.nodes).toHaveLength(2_000);
      expect(parsed.edges).toHaveLength(4_000);
      expect(linkSet(parsed)).toEqual(linkSet(big));
    }
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
