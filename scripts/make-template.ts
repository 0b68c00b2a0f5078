/**
 * Builds server/templates/women-services.json (a causeway-map file) from the
 * example map (server/templates/seed-map.source.json, a copy of the shared
 * domain/seed-map.json), laid out with ELK.
 * Run: npx tsx scripts/make-template.ts — the output is committed; the server
 * never reads ../shared at run time.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import ELK from 'elkjs/lib/elk.bundled.js';

interface SeedNode { id: string; label: string; kind: string; tags: string[]; note: string }
interface SeedEdge { source: string; target: string; polarity: '+' | '-'; delay?: boolean; note: string }
interface Seed { name: string; description: string; nodes: SeedNode[]; edges: SeedEdge[] }

const seed = JSON.parse(readFileSync(new URL('../server/templates/seed-map.source.json', import.meta.url), 'utf8')) as Seed;

/**
 * The seed's `leverage` nodes are interventions. In the product they are
 * innovation nodes carrying a leverage point; the Meadows level for each is
 * our reading of what the intervention changes, stated in the rationale so a
 * group can disagree with it.
 */
const LEVERAGE: Record<string, { level: number; rationale: string }> = {
  coproduction: { level: 4, rationale: 'Gives experts by experience power to change how services are designed: self-organisation.' },
  joint_commissioning: { level: 5, rationale: 'Changes the rules of funding: pooled budgets and longer contracts replace single-issue, short-term ones.' },
  coexisting_forums: { level: 6, rationale: 'Opens information flows between mental-health and substance-use services.' },
  person_led_outcomes: { level: 3, rationale: 'Changes what the system is measured against: its goals.' },
};

const CREATED_AT = Date.UTC(2026, 10, 23);
const WIDTH = 200;
const HEIGHT = 80;

const elk = new ELK();
const layout = await elk.layout({
  id: 'root',
  layoutOptions: {
    'elk.algorithm': 'layered',
    'elk.direction': 'RIGHT',
    'elk.layered.spacing.nodeNodeBetweenLayers': '120',
    'elk.spacing.nodeNode': '50',
    'elk.layered.cycleBreaking.strategy': 'GREEDY',
  },
  // Long labels wrap: leave room for the lines (about 22 characters each) and the badges under them.
  children: seed.nodes.map((n) => ({ id: n.id, width: WIDTH, height: Math.max(HEIGHT, 64 + 18 * Math.ceil(n.label.length / 22)) })),
  edges: seed.edges.map((e, i) => ({ id: `e${i}`, sources: [e.source], targets: [e.target] })),
});
const positions = new Map((layout.children ?? []).map((c) => [c.id, { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) }]));

const nodes = seed.nodes.map((n) => {
  const leverage = n.kind === 'leverage' ? LEVERAGE[n.id] : undefined;
  if (n.kind === 'leverage' && !leverage) throw new Error(`No Meadows level chosen for leverage node ${n.id}`);
  const pos = positions.get(n.id) ?? { x: 0, y: 0 };
  return {
    id: n.id,
    label: n.label,
    kind: n.kind === 'leverage' ? 'innovation' : n.kind,
    x: pos.x,
    y: pos.y,
    note: n.note,
    tags: [...new Set(n.tags)].sort(),
    leverage: leverage ? { ...leverage, setBy: 'template', setAt: CREATED_AT } : null,
    createdBy: 'template',
    createdAt: CREATED_AT,
  };
});

const edges = seed.edges.map((e, i) => ({
  id: `link_${String(i + 1).padStart(3, '0')}`,
  source: e.source,
  target: e.target,
  polarity: e.polarity,
  delay: e.delay === true,
  note: e.note,
  tags: [],
  leverage: null,
  createdBy: 'template',
  createdAt: CREATED_AT,
}));

const template = {
  format: 'causeway-map',
  version: 1,
  title: "Multiple disadvantage: women's services",
  description: seed.description,
  nodes,
  edges,
  loopNames: {},
};
writeFileSync(new URL('../server/templates/women-services.json', import.meta.url), JSON.stringify(template, null, 1) + '\n');
console.log(`wrote ${nodes.length} factors and ${edges.length} links`);
