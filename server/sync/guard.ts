import * as Y from 'yjs';
import type { Change } from '../../src/core/model/policy';

// Yjs types are generic over their event type; the walk below does not care which.
// any: Yjs types its shared types by their event type, which this walk does not use.
type AnyType = Y.AbstractType<any>;

/**
 * What a transaction changed, as paths from a root map: the input of the
 * shared policy (src/core/model/policy.ts). Changes inside types created in
 * the same transaction are not listed by Yjs; the policy reads those entries
 * whole (`created`).
 */
export function changesOf(doc: Y.Doc, transaction: Y.Transaction): Change[] {
  const rootNames = new Map<AnyType, string>();
  for (const [name, type] of doc.share) rootNames.set(type, name);
  const changes: Change[] = [];
  for (const [type, subs] of transaction.changed) {
    const path = pathOf(type, rootNames);
    if (!path) continue;
    const [root, ...below] = path;
    const rootMap = asMap(doc, root!);
    for (const sub of subs) {
      const keys = sub === null ? [...below, '#'] : [...below, sub];
      const first = keys[0];
      const entry = first !== undefined && rootMap ? rootMap.get(first) : undefined;
      const item = entry instanceof Y.AbstractType ? entry._item : null;
      const created = item !== null && item.id.clock >= (transaction.beforeState.get(item.id.client) ?? 0);
      const deleted = first !== undefined && rootMap !== null && !rootMap.has(first);
      changes.push({ root: root!, path: keys, created, deleted });
    }
  }
  return changes;
}

/**
 * A root as a Y.Map. A root that arrived in an update before anyone asked for
 * it is a bare AbstractType until `getMap` gives it its class; a root of
 * another class (a foreign client's) is not a map.
 */
function asMap(doc: Y.Doc, name: string): Y.Map<unknown> | null {
  try {
    return doc.getMap<unknown>(name);
  } catch {
    return null;
  }
}

/** [rootName, key, key, …] of a type; '#' stands for a position in an array. */
function pathOf(type: AnyType, rootNames: Map<AnyType, string>): string[] | null {
  const keys: string[] = [];
  let current: AnyType = type;
  for (let depth = 0; depth < 64; depth++) {
    const item = current._item;
    if (item === null) {
      const name = rootNames.get(current);
      return name === undefined ? null : [name, ...keys];
    }
    keys.unshift(item.parentSub ?? '#');
    if (!(item.parent instanceof Y.AbstractType)) return null;
    current = item.parent as AnyType;
  }
  return null;
}
