/**
 * What changed between two versions of a map (two snapshots, or a snapshot
 * and now): factors and links added, removed and changed, and feedback loops
 * created and broken. Works on causeway-map JSON (snapshots store it).
 */

interface Element {
  id: string;
  [key: string]: unknown;
}

interface Version {
  nodes: readonly Element[];
  edges: readonly Element[];
  loops: readonly { id: string; polarity: string; length: number; nodeIds: readonly string[]; name?: string }[];
  loopsComplete: boolean;
}

export interface ElementChange {
  id: string;
  /** The label (factors) or "source → target" (links), as it reads after the change. */
  label: string;
  /** Fields whose value differs; moving a factor is reported as "position". */
  fields: string[];
}

export interface MapDiff {
  factors: { added: ElementChange[]; removed: ElementChange[]; changed: ElementChange[] };
  links: { added: ElementChange[]; removed: ElementChange[]; changed: ElementChange[] };
  loops: {
    created: { id: string; polarity: string; length: number; labels: string[] }[];
    broken: { id: string; polarity: string; length: number; labels: string[] }[];
  };
  /** False when either side's loop list was cut at a cap: created/broken may then be incomplete. */
  loopsComplete: boolean;
}

/** Provenance and position are not "changes" a group discusses; position is reported on its own. */
const IGNORED = new Set(['id', 'x', 'y', 'createdAt', 'createdBy']);

function differingFields(a: Element, b: Element): string[] {
  const fields = new Set<string>();
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (IGNORED.has(key)) continue;
    if (JSON.stringify(a[key] ?? null) !== JSON.stringify(b[key] ?? null)) fields.add(key);
  }
  if (a.x !== b.x || a.y !== b.y) fields.add('position');
  return [...fields].sort();
}

function labelOf(element: Element, labels: Map<string, string>): string {
  if (typeof element.label === 'string') return element.label;
  const source = labels.get(String(element.source)) ?? String(element.source);
  const target = labels.get(String(element.target)) ?? String(element.target);
  return `${source} → ${target}`;
}

function diffElements(before: readonly Element[], after: readonly Element[], labelsBefore: Map<string, string>, labelsAfter: Map<string, string>) {
  const old = new Map(before.map((e) => [e.id, e]));
  const now = new Map(after.map((e) => [e.id, e]));
  const added: ElementChange[] = [];
  const removed: ElementChange[] = [];
  const changed: ElementChange[] = [];
  for (const [id, element] of now) {
    const previous = old.get(id);
    if (!previous) added.push({ id, label: labelOf(element, labelsAfter), fields: [] });
    else {
      const fields = differingFields(previous, element);
      if (fields.length > 0) changed.push({ id, label: labelOf(element, labelsAfter), fields });
    }
  }
  for (const [id, element] of old) if (!now.has(id)) removed.push({ id, label: labelOf(element, labelsBefore), fields: [] });
  const byLabel = (x: ElementChange, y: ElementChange) => x.label.localeCompare(y.label) || (x.id < y.id ? -1 : 1);
  return { added: added.sort(byLabel), removed: removed.sort(byLabel), changed: changed.sort(byLabel) };
}

export function diffMaps(before: Version, after: Version): MapDiff {
  const labelsBefore = new Map(before.nodes.map((n) => [n.id, String(n.label ?? '')]));
  const labelsAfter = new Map(after.nodes.map((n) => [n.id, String(n.label ?? '')]));
  const loopsBefore = new Map(before.loops.map((l) => [l.id, l]));
  const loopsAfter = new Map(after.loops.map((l) => [l.id, l]));
  const describe = (loop: Version['loops'][number], labels: Map<string, string>) => ({
    id: loop.id,
    polarity: loop.polarity,
    length: loop.length,
    labels: loop.nodeIds.map((id) => labels.get(id) ?? id),
  });
  // A loop's id is its signature: built from its links' ids, so it survives edits elsewhere.
  const created = [...loopsAfter.values()].filter((l) => !loopsBefore.has(l.id)).map((l) => describe(l, labelsAfter));
  const broken = [...loopsBefore.values()].filter((l) => !loopsAfter.has(l.id)).map((l) => describe(l, labelsBefore));
  const order = (a: { length: number; id: string }, b: { length: number; id: string }) => a.length - b.length || (a.id < b.id ? -1 : 1);
  return {
    factors: diffElements(before.nodes, after.nodes, labelsBefore, labelsAfter),
    links: diffElements(before.edges, after.edges, labelsBefore, labelsAfter),
    loops: { created: created.sort(order), broken: broken.sort(order) },
    loopsComplete: before.loopsComplete && after.loopsComplete,
  };
}
