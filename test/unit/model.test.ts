import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  ModelError, NewerSchemaError, SCHEMA_VERSION,
  addFactor, addLink, addTag, edgesMap, initMap, migrateDoc, nodesMap, readEdges, readMap, readNodes,
  removeFactor, removeLink, removeTag, reverseLink, setLeverage, setLoopName, setMeta, trackedTypes, updateFactor, updateLink,
  addSection, updateSection, removeSection,
  type Migration,
} from '../../src/core/model';

const fixedClock = { now: () => 1_700_000_000_000, author: 'tester' };

function newMap(): Y.Doc {
  const doc = new Y.Doc();
  initMap(doc, { mapId: 'map-1', title: 'Test map', createdAt: 5 });
  return doc;
}

function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

describe('factors', () => {
  it('adds a factor with defaults, provenance and a nested Y.Map per node', () => {
    const doc = newMap();
    const id = addFactor(doc, { label: '  Staff turnover ', kind: 'barrier', x: 10, y: 20, tags: ['workforce', 'workforce'] }, fixedClock);
    const entry = nodesMap(doc).get(id);
    expect(entry).toBeInstanceOf(Y.Map);
    expect(readNodes(doc)).toEqual([{
      id, label: 'Staff turnover', kind: 'barrier', x: 10, y: 20, note: '', tags: ['workforce'], leverage: null,
      evidence: { text: '', source: '', type: null }, createdBy: 'tester', createdAt: 1_700_000_000_000, extra: {},
    }]);
  });

  it('rejects bad input with a ModelError and changes nothing', () => {
    const doc = newMap();
    const before = Y.encodeStateVector(doc);
    expect(() => addFactor(doc, { label: '   ' })).toThrow(ModelError);
    expect(() => addFactor(doc, { label: 'x', kind: 'leverage' as never })).toThrow(ModelError);
    expect(() => addFactor(doc, { label: 'x', x: Number.NaN })).toThrow(ModelError);
    expect(() => addFactor(doc, { label: 'x'.repeat(301) })).toThrow(/300/);
    expect(() => updateFactor(doc, 'missing', { label: 'y' })).toThrow(/no factor/);
    expect(() => updateFactor(doc, 'missing', { colour: 'red' } as never)).toThrow(ModelError);
    expect(Y.encodeStateVector(doc)).toEqual(before);
  });

  it('updates only the fields given', () => {
    const doc = newMap();
    const id = addFactor(doc, { label: 'A', note: 'keep me' });
    updateFactor(doc, id, { x: 100 });
    const [node] = readNodes(doc);
    expect(node).toMatchObject({ label: 'A', note: 'keep me', x: 100, y: 0 });
  });

  it('removing a factor removes its links in the same transaction', () => {
    const doc = newMap();
    const a = addFactor(doc, { label: 'A' });
    const b = addFactor(doc, { label: 'B' });
    const c = addFactor(doc, { label: 'C' });
    addLink(doc, { source: a, target: b });
    addLink(doc, { source: b, target: a, polarity: '-' });
    const keep = addLink(doc, { source: b, target: c });
    let transactions = 0;
    doc.on('afterTransaction', () => transactions++);
    removeFactor(doc, a);
    expect(transactions).toBe(1);
    expect([...edgesMap(doc).keys()]).toEqual([keep]);
    expect(readNodes(doc).map((n) => n.label).sort()).toEqual(['B', 'C']);
  });
});

describe('links', () => {
  it('adds, updates and removes a link; self-links are allowed', () => {
    const doc = newMap();
    const a = addFactor(doc, { label: 'A' });
    const b = addFactor(doc, { label: 'B' });
    const id = addLink(doc, { source: a, target: b, polarity: '-', delay: true, note: 'evidence' }, fixedClock);
    const self = addLink(doc, { source: a, target: a });
    expect(readEdges(doc).find((e) => e.id === id)).toMatchObject({ source: a, target: b, polarity: '-', delay: true, note: 'evidence', createdBy: 'tester' });
    updateLink(doc, id, { polarity: '?', delay: false });
    expect(readEdges(doc).find((e) => e.id === id)).toMatchObject({ polarity: '?', delay: false });
    removeLink(doc, id);
    expect(readEdges(doc).map((e) => e.id)).toEqual([self]);
  });

  it('refuses links to missing factors and bad polarity', () => {
    const doc = newMap();
    const a = addFactor(doc, { label: 'A' });
    expect(() => addLink(doc, { source: a, target: 'nope' })).toThrow(/no factor/);
    expect(() => addLink(doc, { source: a, target: a, polarity: '++' as never })).toThrow(ModelError);
    expect(edgesMap(doc).size).toBe(0);
  });

  it('does not return a link whose factor was removed concurrently', () => {
    const one = newMap();
    const a = addFactor(one, { label: 'A' });
    const b = addFactor(one, { label: 'B' });
    const two = new Y.Doc();
    sync(one, two);
    removeFactor(one, a);
    addLink(two, { source: a, target: b });
    sync(one, two);
    expect(edgesMap(one).size).toBe(1);
    expect(readEdges(one)).toEqual([]);
    expect(readMap(two).edges).toEqual([]);
  });
});

describe('tags and leverage', () => {
  it('tags are a set: concurrent additions both survive, removal works', () => {
    const one = newMap();
    const id = addFactor(one, { label: 'A' });
    const two = new Y.Doc();
    sync(one, two);
    addTag(one, id, 'funding');
    addTag(two, id, 'women');
    addTag(two, id, 'funding');
    sync(one, two);
    expect(readNodes(one)[0]!.tags).toEqual(['funding', 'women']);
    removeTag(one, id, 'funding');
    sync(one, two);
    expect(readNodes(two)[0]!.tags).toEqual(['women']);
  });

  it('sets and clears a leverage point on a factor or a link', () => {
    const doc = newMap();
    const a = addFactor(doc, { label: 'A' });
    const link = addLink(doc, { source: a, target: a });
    setLeverage(doc, a, { level: 5, rationale: 'Eligibility rules' }, fixedClock);
    setLeverage(doc, link, { level: 6 }, fixedClock);
    expect(readNodes(doc)[0]!.leverage).toEqual({ level: 5, rationale: 'Eligibility rules', setBy: 'tester', setAt: 1_700_000_000_000 });
    expect(readEdges(doc)[0]!.leverage).toMatchObject({ level: 6, rationale: '' });
    expect(() => setLeverage(doc, a, { level: 13 })).toThrow(ModelError);
    expect(() => setLeverage(doc, a, { level: 0 })).toThrow(ModelError);
    setLeverage(doc, a, null);
    expect(readNodes(doc)[0]!.leverage).toBeNull();
  });

  it('a level and a rationale written at the same time by two people both survive', () => {
    const one = newMap();
    const a = addFactor(one, { label: 'Eligibility' });
    setLeverage(one, a, { level: 5, rationale: '' }, fixedClock);
    const two = new Y.Doc();
    sync(one, two);
    setLeverage(one, a, { level: 4, rationale: '' }, { ...fixedClock, author: 'ann' });
    setLeverage(two, a, { level: 5, rationale: 'Rules decide who gets in' }, { ...fixedClock, author: 'ben' });
    sync(one, two);
    for (const doc of [one, two]) expect(readNodes(doc)[0]!.leverage).toMatchObject({ level: 4, rationale: 'Rules decide who gets in' });
  });

  it('reverses a link in place, keeping its id and attributes; a self-link stays as it is', () => {
    const doc = newMap();
    const a = addFactor(doc, { label: 'A' });
    const b = addFactor(doc, { label: 'B' });
    const link = addLink(doc, { source: a, target: b, polarity: '-', delay: true, note: 'kept' });
    reverseLink(doc, link);
    expect(readEdges(doc)[0]).toMatchObject({ id: link, source: b, target: a, polarity: '-', delay: true, note: 'kept' });
    const self = addLink(doc, { source: a, target: a });
    reverseLink(doc, self);
    expect(readEdges(doc).find((e) => e.id === self)).toMatchObject({ source: a, target: a });
    expect(() => reverseLink(doc, 'missing')).toThrow(ModelError);
  });
});

describe('meta, loop names and reading foreign data', () => {
  it('sets the title and loop names', () => {
    const doc = newMap();
    setMeta(doc, { title: 'Renamed' });
    setLoopName(doc, 'e1>e2', { title: 'The dual-diagnosis trap' });
    setLoopName(doc, 'e1>e2', { note: 'Discussed in session 2' });
    const map = readMap(doc);
    expect(map.meta).toMatchObject({ title: 'Renamed', mapId: 'map-1', schemaVersion: SCHEMA_VERSION, createdAt: 5 });
    expect(doc.getMap('loopNames').toJSON()).toEqual({ 'e1>e2': { title: 'The dual-diagnosis trap', note: 'Discussed in session 2' } });
  });

  it('keeps unknown keys and kinds, and falls back safely on wrong types', () => {
    const doc = newMap();
    doc.transact(() => {
      const entry = new Y.Map<unknown>();
      entry.set('label', 42);
      entry.set('kind', 'hypothesis');
      entry.set('x', 'left');
      entry.set('tags', ['a', 7, 'a']);
      entry.set('futureField', { deep: [1, 2] });
      nodesMap(doc).set('n1', entry);
      nodesMap(doc).set('garbage', 'not a map' as never);
      const edge = new Y.Map<unknown>();
      edge.set('source', 'n1');
      edge.set('target', 'n1');
      edge.set('polarity', 'sideways');
      edge.set('weight', 3);
      edgesMap(doc).set('e1', edge);
    });
    const map = readMap(doc);
    expect(map.nodes).toEqual([{
      id: 'n1', label: '', kind: 'hypothesis', x: 0, y: 0, note: '', tags: ['a'], leverage: null,
      evidence: { text: '', source: '', type: null }, createdBy: '', createdAt: 0, extra: { futureField: { deep: [1, 2] } },
    }]);
    expect(map.edges[0]).toMatchObject({ polarity: '?', delay: false, extra: { weight: 3 } });
    // A tag added to an array-of-tags written by someone else keeps their tags.
    addTag(doc, 'n1', 'b');
    expect(readNodes(doc)[0]!.tags).toEqual(['a', 'b']);
  });

  it('trackedTypes covers every shared root the model writes', () => {
    const doc = newMap();
    expect(trackedTypes(doc)).toHaveLength(5);
  });
});

describe('evidence, strength, confidence and sections', () => {
  it('edits evidence fields independently, so concurrent edits of text and source both survive', () => {
    const one = newMap();
    const id = addFactor(one, { label: 'A' });
    const two = new Y.Doc();
    sync(one, two);
    updateFactor(one, id, { evidence: '"We were turned away twice"' });
    updateFactor(two, id, { evidenceSource: 'Workshop 1, person accessing support', evidenceType: 'stated' });
    sync(one, two);
    expect(readNodes(one)[0]!.evidence).toEqual({ text: '"We were turned away twice"', source: 'Workshop 1, person accessing support', type: 'stated' });
    updateFactor(one, id, { evidenceType: null });
    expect(readNodes(one)[0]!.evidence.type).toBeNull();
    expect(() => updateFactor(one, id, { evidenceType: 'rumour' as never })).toThrow(ModelError);
  });

  it('sets and clears link strength and confidence', () => {
    const doc = newMap();
    const a = addFactor(doc, { label: 'A' });
    const link = addLink(doc, { source: a, target: a });
    updateLink(doc, link, { strength: 3, confidence: 'low', evidence: 'report p.4' });
    expect(readEdges(doc)[0]).toMatchObject({ strength: 3, confidence: 'low', evidence: { text: 'report p.4' } });
    updateLink(doc, link, { strength: null, confidence: null });
    expect(readEdges(doc)[0]).toMatchObject({ strength: null, confidence: null });
    expect(() => updateLink(doc, link, { strength: 4 as never })).toThrow(ModelError);
  });

  it('adds, moves and removes sections', () => {
    const doc = newMap();
    const id = addSection(doc, { title: 'Commissioning priorities', colour: '#fde68a', x: 0, y: 0, width: 600, height: 300 });
    updateSection(doc, id, { x: 50 });
    expect(readMap(doc).sections).toEqual([{ id, title: 'Commissioning priorities', colour: '#fde68a', x: 50, y: 0, width: 600, height: 300, extra: {} }]);
    expect(() => addSection(doc, { colour: 'red' })).toThrow(/colour/);
    expect(() => updateSection(doc, id, { width: 5 })).toThrow(ModelError);
    removeSection(doc, id);
    expect(readMap(doc).sections).toEqual([]);
  });
});

describe('migrations', () => {
  const toTwo: Migration = {
    to: 2,
    describe: 'adds a default note',
    run(doc) {
      for (const entry of nodesMap(doc).values()) if (!entry.has('note')) entry.set('note', '(none)');
    },
  };

  it('runs pending migrations in order and records the version', () => {
    const doc = newMap();
    nodesMap(doc).set('n', new Y.Map());
    expect(migrateDoc(doc, [toTwo], 2)).toEqual([2]);
    expect(nodesMap(doc).get('n')!.get('note')).toBe('(none)');
    expect(doc.getMap('meta').get('schemaVersion')).toBe(2);
    expect(migrateDoc(doc, [toTwo], 2)).toEqual([]);
  });

  it('refuses a document from a newer schema and leaves it untouched', () => {
    const doc = newMap();
    doc.getMap('meta').set('schemaVersion', 99);
    const before = Y.encodeStateAsUpdate(doc);
    expect(() => migrateDoc(doc)).toThrow(NewerSchemaError);
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
  });
});
