import { useEffect, useMemo, useState } from 'react';
import type { Loop } from '../../core/analysis/loops';
import { allPaths, measures, neighbourhood, shortestPath, toGraph, type Direction, type FactorMeasures } from '../../core/analysis/structure';
import { MEADOWS_LEVELS, type MapEdge, type MapNode } from '../../core/model/types';
import type { FlowStore } from '../canvas/flow-store';
import { dateTimeText } from '../format-time';

interface Props {
  store: FlowStore;
  nodes: readonly MapNode[];
  edges: readonly MapEdge[];
  loops: readonly Loop[];
  selectedFactor: string | null;
  /** Names of people by their pseudonymous id, for "set by". */
  nameOf: (author: string) => string | null;
}

type Mode = 'neighbours' | 'paths' | 'measures' | 'leverage';
type Measure = keyof FactorMeasures;

const MEASURE_TEXT: Record<Measure, string> = {
  inDegree: 'Links in (causes)',
  outDegree: 'Links out (effects)',
  betweenness: 'Betweenness (on paths between others)',
  loops: 'Loops through it',
};

const DEPTHS: { value: number; text: string }[] = [
  { value: 1, text: '1 step' }, { value: 2, text: '2 steps' }, { value: 3, text: '3 steps' }, { value: Infinity, text: 'all' },
];

/**
 * Exploring the map's structure: what a factor causes and what causes it,
 * paths between two factors, descriptive measures, and the leverage points
 * and innovations the group has marked. What is explored stands out on the
 * canvas; the rest dims.
 */
export function ExplorePanel({ store, nodes, edges, loops, selectedFactor, nameOf }: Props) {
  const [mode, setMode] = useState<Mode>('neighbours');
  const [direction, setDirection] = useState<Direction>('effects');
  const [depth, setDepth] = useState(1);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [measure, setMeasure] = useState<Measure>('betweenness');
  const [focusPath, setFocusPath] = useState<number | null>(null);
  const [leverageFilter, setLeverageFilter] = useState<'none' | 'leverage' | 'innovations'>('none');
  const graph = useMemo(() => toGraph({ nodes, edges }), [nodes, edges]);
  const labels = useMemo(() => new Map(nodes.map((n) => [n.id, n.label])), [nodes]);
  const edgeById = useMemo(() => new Map(edges.map((e) => [e.id, e])), [edges]);
  const sorted = useMemo(() => [...nodes].sort((a, b) => a.label.localeCompare(b.label)), [nodes]);

  const around = useMemo(
    () => (mode === 'neighbours' && selectedFactor ? neighbourhood(graph, selectedFactor, direction, depth) : null),
    [mode, selectedFactor, graph, direction, depth],
  );
  const paths = useMemo(() => (mode === 'paths' && from && to ? allPaths(graph, from, to, 6, 50) : null), [mode, graph, from, to]);
  const shortest = useMemo(() => (mode === 'paths' && from && to ? shortestPath(graph, from, to) : null), [mode, graph, from, to]);
  const measured = useMemo(() => (mode === 'measures' ? measures(graph, loops) : null), [mode, graph, loops]);
  const leverage = useMemo(() => [...nodes, ...edges].filter((e) => e.leverage).sort((a, b) => a.leverage!.level - b.leverage!.level), [nodes, edges]);
  const innovations = useMemo(() => nodes.filter((n) => n.kind === 'innovation').map((n) => ({
    node: n,
    barriers: edges.filter((e) => e.source === n.id).map((e) => nodes.find((f) => f.id === e.target)).filter((f): f is MapNode => f?.kind === 'barrier'),
  })), [nodes, edges]);

  // What this panel shows stands out on the canvas.
  useEffect(() => {
    if (mode === 'neighbours' && around) {
      const ids = new Set(around.keys());
      store.setEmphasis({ nodes: ids, edges: edges.filter((e) => ids.has(e.source) && ids.has(e.target)).map((e) => e.id) });
    } else if (mode === 'paths' && paths && paths.paths.length > 0) {
      const chosen = focusPath === null ? paths.paths : [paths.paths[focusPath] ?? []];
      const edgeIds = chosen.flat();
      const nodeIds = new Set(edgeIds.flatMap((id) => [edgeById.get(id)?.source, edgeById.get(id)?.target]).filter((x): x is string => !!x));
      store.setEmphasis({ nodes: nodeIds, edges: edgeIds });
    } else if (mode === 'leverage' && leverageFilter !== 'none') {
      if (leverageFilter === 'leverage') store.setEmphasis({ nodes: leverage.map((e) => e.id), edges: leverage.map((e) => e.id) });
      else {
        const ids = new Set(innovations.flatMap((i) => [i.node.id, ...i.barriers.map((b) => b.id)]));
        store.setEmphasis({ nodes: ids, edges: edges.filter((e) => ids.has(e.source) && ids.has(e.target)).map((e) => e.id) });
      }
    } else store.setEmphasis(null);
  }, [store, mode, around, paths, focusPath, edges, edgeById, leverageFilter, leverage, innovations]);
  useEffect(() => () => store.setEmphasis(null), [store]);

  // Measures are drawn as a halo whose size follows the chosen measure.
  useEffect(() => {
    if (!measured) {
      store.setMeasure(null);
      return;
    }
    const values = [...measured].map(([id, m]) => [id, m[measure]] as const);
    const max = Math.max(1e-9, ...values.map(([, v]) => v));
    store.setMeasure(new Map(values.map(([id, v]) => [id, v / max])));
  }, [store, measured, measure]);
  useEffect(() => () => store.setMeasure(null), [store]);

  const pathText = (path: readonly string[]) => {
    const first = edgeById.get(path[0]!);
    const steps = path.map((id) => {
      const e = edgeById.get(id)!;
      return `${e.polarity === '+' ? '+' : e.polarity === '-' ? '−' : '?'}${e.delay ? '‖' : ''} ${labels.get(e.target) ?? '?'}`;
    });
    return `${labels.get(first?.source ?? '') ?? '?'} → ${steps.join(' → ')}`;
  };

  return (
    <section className="panel" aria-labelledby="explore-title" data-testid="explore-panel">
      <h2 className="panel__title" id="explore-title">Explore</h2>
      <div className="segmented segmented--text" role="group" aria-label="What to explore">
        {(['neighbours', 'paths', 'measures', 'leverage'] as const).map((m) => (
          <button key={m} type="button" aria-pressed={mode === m} onClick={() => { setMode(m); setFocusPath(null); }} data-testid={`explore-${m}`}>
            {{ neighbours: 'Causes & effects', paths: 'Paths', measures: 'Structure', leverage: 'Leverage & innovations' }[m]}
          </button>
        ))}
      </div>

      {mode === 'neighbours' && (
        <>
          {!selectedFactor && <p className="panel__note">Select a factor on the map to see what it causes and what causes it.</p>}
          <div className="row">
            <label className="field field--inline">
              <span>Show</span>
              <select value={direction} onChange={(e) => setDirection(e.target.value as Direction)} data-testid="explore-direction">
                <option value="effects">what it affects (downstream)</option>
                <option value="causes">what affects it (upstream)</option>
                <option value="both">both</option>
              </select>
            </label>
            <label className="field field--inline">
              <span>How far</span>
              <select value={String(depth)} onChange={(e) => setDepth(Number(e.target.value))} data-testid="explore-depth">
                {DEPTHS.map((d) => <option key={d.text} value={String(d.value)}>{d.text}</option>)}
              </select>
            </label>
          </div>
          {around && (
            <ul className="plain-list" data-testid="explore-list">
              {[...around].filter(([id]) => id !== selectedFactor).sort((a, b) => a[1] - b[1] || (labels.get(a[0]) ?? '').localeCompare(labels.get(b[0]) ?? '')).map(([id, distance]) => (
                <li key={id}>{labels.get(id)} <span className="panel__note">({distance} {distance === 1 ? 'step' : 'steps'})</span></li>
              ))}
            </ul>
          )}
        </>
      )}

      {mode === 'paths' && (
        <>
          <div className="row">
            <label className="field field--inline">
              <span>From</span>
              <select value={from} onChange={(e) => { setFrom(e.target.value); setFocusPath(null); }} data-testid="path-from">
                <option value="">choose a factor</option>
                {sorted.map((n) => <option key={n.id} value={n.id}>{n.label}</option>)}
              </select>
            </label>
            <label className="field field--inline">
              <span>To</span>
              <select value={to} onChange={(e) => { setTo(e.target.value); setFocusPath(null); }} data-testid="path-to">
                <option value="">choose a factor</option>
                {sorted.map((n) => <option key={n.id} value={n.id}>{n.label}</option>)}
              </select>
            </label>
          </div>
          {paths && (
            <>
              <p className="panel__text" data-testid="path-summary">
                {paths.paths.length === 0 ? 'No chain of links leads from the first to the second.' : `${paths.paths.length}${paths.complete ? '' : '+'} ${paths.paths.length === 1 ? 'path' : 'paths'}; the shortest has ${(shortest?.length ?? 1) - 1} ${(shortest?.length ?? 1) - 1 === 1 ? 'link' : 'links'}.`}
                {!paths.complete && paths.paths.length > 0 ? ' (Paths of more than 6 links are not listed.)' : ''}
              </p>
              <ol className="plain-list">
                {paths.paths.map((path, i) => (
                  <li key={path.join('>')}>
                    <button type="button" className="linklike" aria-pressed={focusPath === i} onClick={() => setFocusPath(focusPath === i ? null : i)}>{pathText(path)}</button>
                  </li>
                ))}
              </ol>
            </>
          )}
        </>
      )}

      {mode === 'measures' && measured && (
        <>
          <p className="panel__note" data-testid="measures-caveat">
            These numbers describe how each factor is connected. They do not by themselves find leverage points: studies of
            causal maps show such measures are unreliable for that on their own (Crielaard et al. 2023). Use them to start a
            discussion, not to end one.
          </p>
          <label className="field">
            <span>Halo on the map shows</span>
            <select value={measure} onChange={(e) => setMeasure(e.target.value as Measure)} data-testid="measure-select">
              {(Object.keys(MEASURE_TEXT) as Measure[]).map((m) => <option key={m} value={m}>{MEASURE_TEXT[m]}</option>)}
            </select>
          </label>
          <table className="measures" data-testid="measures-table">
            <thead><tr><th scope="col">Factor</th><th scope="col">In</th><th scope="col">Out</th><th scope="col">Betweenness</th><th scope="col">Loops</th></tr></thead>
            <tbody>
              {[...measured].sort((a, b) => b[1][measure] - a[1][measure]).map(([id, m]) => (
                <tr key={id}>
                  <th scope="row">{labels.get(id)}</th><td>{m.inDegree}</td><td>{m.outDegree}</td><td>{m.betweenness.toFixed(2)}</td><td>{m.loops}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}

      {mode === 'leverage' && (
        <>
          <label className="field">
            <span>Show on the map</span>
            <select value={leverageFilter} onChange={(e) => setLeverageFilter(e.target.value as typeof leverageFilter)} data-testid="leverage-filter">
              <option value="none">the whole map</option>
              <option value="leverage">only leverage points</option>
              <option value="innovations">only innovations and the barriers they act on</option>
            </select>
          </label>
          <h3 className="panel__subtitle">Leverage points ({leverage.length})</h3>
          <ul className="plain-list" data-testid="leverage-list">
            {leverage.map((element) => {
              const level = MEADOWS_LEVELS.find((l) => l.level === element.leverage!.level);
              const who = element.leverage!.setBy ? nameOf(element.leverage!.setBy) : null;
              const label = 'label' in element ? element.label : `${labels.get(element.source) ?? '?'} → ${labels.get(element.target) ?? '?'}`;
              return (
                <li key={element.id}>
                  <strong>{label}</strong> — level {element.leverage!.level}, {level?.name}
                  {element.leverage!.rationale && <p className="panel__note">{element.leverage!.rationale}</p>}
                  <p className="panel__note">
                    Marked {who ? `by ${who}` : 'by a participant'}{element.leverage!.setAt ? `, ${dateTimeText(element.leverage!.setAt)}` : ''}
                  </p>
                </li>
              );
            })}
          </ul>
          <h3 className="panel__subtitle">Innovations ({innovations.length})</h3>
          <ul className="plain-list" data-testid="innovation-list">
            {innovations.map(({ node, barriers }) => (
              <li key={node.id}>
                <strong>{node.label}</strong>
                <p className="panel__note">{barriers.length > 0 ? `Acts on: ${barriers.map((b) => b.label).join('; ')}` : 'Not yet linked to a barrier.'}</p>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
