import * as Y from 'yjs';

/**
 * The Y.Doc layout (DESIGN.md, "The map document"). Other clients may read
 * and write it, so names here are part of the public contract.
 */
export const META = 'meta';
export const NODES = 'nodes';
export const EDGES = 'edges';
/** Loop titles and notes, keyed by a loop's canonical signature. */
export const LOOP_NAMES = 'loopNames';
export const SECTIONS = 'sections';

/** The schema version this code writes. Bump it with a migration in migrations.ts. */
export const SCHEMA_VERSION = 1;

/** Node and edge field names known to this version; anything else is kept as `extra`. */
/** Evidence is stored flat so that two people editing its text and its source both keep their edit. */
export const EVIDENCE_FIELDS = ['evidence', 'evidenceSource', 'evidenceType'] as const;
export const NODE_FIELDS = [
  'label', 'kind', 'x', 'y', 'note', 'tags', 'leverage', ...EVIDENCE_FIELDS, 'createdBy', 'createdAt',
] as const;
export const EDGE_FIELDS = [
  'source', 'target', 'polarity', 'delay', 'note', 'tags', 'leverage', ...EVIDENCE_FIELDS,
  'strength', 'confidence', 'createdBy', 'createdAt',
] as const;
export const SECTION_FIELDS = ['title', 'colour', 'x', 'y', 'width', 'height'] as const;
export const META_FIELDS = ['title', 'schemaVersion', 'mapId', 'createdAt'] as const;

export type NodeEntry = Y.Map<unknown>;
export type EdgeEntry = Y.Map<unknown>;

export function metaMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(META);
}

export function nodesMap(doc: Y.Doc): Y.Map<NodeEntry> {
  return doc.getMap<NodeEntry>(NODES);
}

export function edgesMap(doc: Y.Doc): Y.Map<EdgeEntry> {
  return doc.getMap<EdgeEntry>(EDGES);
}

export function loopNamesMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap<Y.Map<unknown>>(LOOP_NAMES);
}

export function sectionsMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap<Y.Map<unknown>>(SECTIONS);
}

/** The shared types an undo manager should track for "everything on the map". */
export function trackedTypes(doc: Y.Doc): Y.AbstractType<unknown>[] {
  return [metaMap(doc), nodesMap(doc), edgesMap(doc), loopNamesMap(doc), sectionsMap(doc)] as Y.AbstractType<unknown>[];
}
