import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ImportError, applyMapJson, exportMapJson, parseMapJson } from '../../src/core/formats/json';
import { addFactor, addLink, addSection, addTag, initMap, readMap, setLeverage, setLoopName, updateFactor, updateLink } from '../../src/core/model';
import { seedTemplate } from '../../server/templates';

function sampleMap(): Y.Doc {
  const doc = new Y.Doc();
  initMap(doc, { mapId: 'm', title: 'Sample', createdAt: 1 });
  const ctx = { author: 'a1', now: () => 42 };
  const a = addFactor(doc, { id: 'a', label: 'Short-term funding', kind: 'barrier', x: 1.5, y: -2, note: 'quote', tags: ['funding'] }, ctx);
  const b = addFactor(doc, { id: 'b', label: 'Staff turnover <script>', kind: 'factor' }, ctx);
  addLink(doc, { id: 'l1', source: a, target: b, polarity: '+', delay: true }, ctx);
  addLink(doc, { id: 'l2', source: b, target: a, polarity: '-' }, ctx);
  addTag(doc, 'l2', 'contested');
  setLeverage(doc, a, { level: 5, rationale: 'rules' }, ctx);
  setLoopName(doc, 'l1>l2', { title: 'Churn', note: 'n' });
  updateFactor(doc, 'a', { evidence: 'one year funding', evidenceSource: 'Refuge paper 2017', evidenceType: 'stated' });
  updateLink(doc, 'l2', { strength: 2, confidence: 'high', evidenceType: 'implied' });
  addSection(doc, { id: 's1', title: 'Commissioning', colour: '#fef3c7', x: -10, y: -10, width: 500, height: 200 });
  (doc.getMap('nodes').get('b') as Y.Map<unknown>).set('futureField', { keep: true });
  return doc;
}

describe('causeway-map JSON', () => {
  it('exports the contract shape', () => {
    const file = exportMapJson(sampleMap(), { now: new Date('2026-01-02T03:04:05Z') });
    expect(file).toMatchObject({ format: 'causeway-map', version: 1, title: 'Sample', exportedAt: '2026-01-02T03:04:05.000Z', loopsComplete: false });
    expect(file.nodes.map((n) => n.id)).toEqual(['a', 'b']);
    expect(file.nodes[0]).toMatchObject({ label: 'Short-term funding', kind: 'barrier', x: 1.5, y: -2, tags: ['funding'], leverage: { level: 5, rationale: 'rules' }, createdBy: 'a1', createdAt: 42 });
    expect(file.nodes[1]).toMatchObject({ futureField: { keep: true } });
    expect(file.edges[0]).toMatchObject({ id: 'l1', source: 'a', target: 'b', polarity: '+', delay: true, strength: null, confidence: null });
    expect(file.edges[1]).toMatchObject({ strength: 2, confidence: 'high', evidence: { text: '', source: '', type: 'implied' } });
    expect(file.nodes[0]!.evidence).toEqual({ text: 'one year funding', source: 'Refuge paper 2017', type: 'stated' });
    expect(file.sections).toEqual([{ id: 's1', title: 'Commissioning', colour: '#fef3c7', x: -10, y: -10, width: 500, height: 200 }]);
  });

  it('names loops from the document and says whether the list is complete', () => {
    const file = exportMapJson(sampleMap(), {
      loops: { complete: true, loops: [{ id: 'l1>l2', polarity: 'B', delayed: true, length: 2, nodeIds: ['a', 'b'], edgeIds: ['l1', 'l2'] }] },
    });
    expect(file.loopsComplete).toBe(true);
    expect(file.loops).toEqual([{ id: 'l1>l2', name: 'Churn', polarity: 'B', delayed: true, length: 2, nodeIds: ['a', 'b'], edgeIds: ['l1', 'l2'] }]);
  });

  it('round-trips exactly: export, import into a new doc, export again', () => {
    const original = exportMapJson(sampleMap(), { now: new Date(0) });
    const copy = new Y.Doc();
    initMap(copy, { mapId: 'other', title: '', createdAt: 1 });
    applyMapJson(copy, parseMapJson(JSON.parse(JSON.stringify(original))));
    const again = exportMapJson(copy, { now: new Date(0) });
    expect({ ...again, mapId: 'm' }).toEqual(original);
    expect(readMap(copy).nodes.find((n) => n.id === 'b')!.label).toBe('Staff turnover <script>');
  });

  it('rejects hostile or broken files with the field at fault, writing nothing', () => {
    const good = exportMapJson(sampleMap());
    const cases: [unknown, RegExp][] = [
      [null, /not a Causeway map file|expected object/i],
      [{ ...good, format: 'kumu' }, /not a Causeway map file/],
      [{ ...good, version: 2 }, /version/],
      [{ ...good, nodes: [{ ...good.nodes[0], label: 'x'.repeat(301) }] }, /nodes\.0\.label/],
      [{ ...good, edges: [{ ...good.edges[0], target: 'ghost' }] }, /not in the file/],
      [{ ...good, edges: [{ ...good.edges[0], polarity: 'x' }] }, /edges\.0\.polarity/],
      [{ ...good, nodes: [good.nodes[0], good.nodes[0]] }, /share the id/],
      [{ ...good, nodes: [{ ...good.nodes[0], x: 'NaN' }] }, /nodes\.0\.x/],
    ];
    for (const [input, message] of cases) {
      expect(() => parseMapJson(input), JSON.stringify(message)).toThrow(message);
      try {
        parseMapJson(input);
      } catch (error) {
        expect(error).toBeInstanceOf(ImportError);
      }
    }
  });
});

describe('women-services template', () => {
  const seed = JSON.parse(readFileSync(new URL('../../server/templates/seed-map.source.json', import.meta.url), 'utf8')) as {
    nodes: { id: string; kind: string; label: string }[];
    edges: { source: string; target: string; polarity: string; delay?: boolean }[];
  };

  it('carries every factor and link of the example map, polarity and delay intact', () => {
    const doc = new Y.Doc();
    seedTemplate(doc, 'women-services');
    const map = readMap(doc);
    expect(map.nodes).toHaveLength(seed.nodes.length);
    expect(map.edges).toHaveLength(seed.edges.length);
    const key = (e: { source: string; target: string; polarity: string; delay?: boolean }) => `${e.source}>${e.target}:${e.polarity}:${e.delay === true}`;
    expect(map.edges.map(key).sort()).toEqual(seed.edges.map(key).sort());
    expect(map.nodes.map((n) => n.label).sort()).toEqual(seed.nodes.map((n) => n.label).sort());
  });

  it('turns the seed\'s leverage nodes into innovations carrying a leverage point', () => {
    const doc = new Y.Doc();
    seedTemplate(doc, 'women-services');
    const byId = new Map(readMap(doc).nodes.map((n) => [n.id, n]));
    const leverageIds = seed.nodes.filter((n) => n.kind === 'leverage').map((n) => n.id);
    expect(leverageIds.length).toBeGreaterThan(0);
    for (const id of leverageIds) {
      const node = byId.get(id)!;
      expect(node.kind).toBe('innovation');
      expect(node.leverage?.level).toBeGreaterThanOrEqual(1);
      expect(node.leverage?.level).toBeLessThanOrEqual(12);
      expect(node.leverage?.rationale.length).toBeGreaterThan(10);
    }
    // Every other node keeps its kind and has a position (laid out, not piled at 0,0).
    const positions = new Set(readMap(doc).nodes.map((n) => `${n.x},${n.y}`));
    expect(positions.size).toBe(seed.nodes.length);
  });
});
