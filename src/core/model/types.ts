/**
 * Plain (non-Yjs) shapes of what a map document holds. These are what the
 * rest of the code reads; the Y.Doc layout itself lives in `schema.ts`.
 */

export const NODE_KINDS = ['factor', 'barrier', 'outcome', 'innovation'] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

export const POLARITIES = ['+', '-', '?'] as const;
export type Polarity = (typeof POLARITIES)[number];

/** Donella Meadows' twelve places to intervene: 12 is weakest, 1 strongest. */
export const MEADOWS_LEVELS: ReadonlyArray<{ level: number; name: string; explanation: string }> = [
  { level: 12, name: 'Parameters', explanation: 'Numbers such as budgets, staffing levels and thresholds.' },
  { level: 11, name: 'Buffers', explanation: 'The size of stabilising stocks relative to their flows, such as reserve capacity.' },
  { level: 10, name: 'Stock-and-flow structures', explanation: 'The physical layout of the system: buildings, services, routes between them.' },
  { level: 9, name: 'Delays', explanation: 'How long it takes for the system to respond to a change.' },
  { level: 8, name: 'Balancing feedback loops', explanation: 'The strength of the loops that correct the system towards a goal.' },
  { level: 7, name: 'Reinforcing feedback loops', explanation: 'The strength of the loops that drive growth or decline.' },
  { level: 6, name: 'Information flows', explanation: 'Who has access to which information, and when.' },
  { level: 5, name: 'Rules', explanation: 'Incentives, punishments, eligibility criteria, contracts and constraints.' },
  { level: 4, name: 'Self-organisation', explanation: 'The power to add, change or evolve the structure of the system.' },
  { level: 3, name: 'Goals', explanation: 'The purpose or function of the system.' },
  { level: 2, name: 'Paradigms', explanation: 'The shared mindset out of which the system arises.' },
  { level: 1, name: 'Transcending paradigms', explanation: 'The ability to step outside any one paradigm.' },
];

export const EVIDENCE_TYPES = ['stated', 'implied'] as const;
/** Whether a claim was said outright by someone, or inferred by the group or the note-taker. */
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];

export const CONFIDENCES = ['low', 'medium', 'high'] as const;
export type Confidence = (typeof CONFIDENCES)[number];

/** Link strength: 1 weak, 2 moderate, 3 strong. */
export const STRENGTHS = [1, 2, 3] as const;
export type Strength = (typeof STRENGTHS)[number];

/** Provenance of a claim: a quote or description, where it came from, and how direct it is. */
export interface Evidence {
  text: string;
  source: string;
  type: EvidenceType | null;
}

export interface Leverage {
  /** Meadows level, 1 (strongest) to 12 (weakest). */
  level: number;
  rationale: string;
  setBy?: string;
  setAt?: number;
}

export interface Provenance {
  createdBy: string;
  createdAt: number;
}

export interface MapNode extends Provenance {
  id: string;
  label: string;
  /** One of NODE_KINDS, or a kind written by a newer client (kept, shown as a factor). */
  kind: string;
  x: number;
  y: number;
  note: string;
  /** Sorted, de-duplicated. */
  tags: string[];
  leverage: Leverage | null;
  evidence: Evidence;
  /** Keys this version does not know, kept verbatim (JSON-compatible values). */
  extra: Record<string, unknown>;
}

export interface MapEdge extends Provenance {
  id: string;
  source: string;
  target: string;
  polarity: Polarity;
  delay: boolean;
  note: string;
  /** Leverage points and tags may sit on a link as well as on a factor. */
  tags: string[];
  leverage: Leverage | null;
  evidence: Evidence;
  strength: Strength | null;
  confidence: Confidence | null;
  extra: Record<string, unknown>;
}

/** A named, coloured region of the canvas (a system level, say); factors inside it move with it. */
export interface MapSection {
  id: string;
  title: string;
  colour: string;
  x: number;
  y: number;
  width: number;
  height: number;
  extra: Record<string, unknown>;
}

export interface MapMeta {
  title: string;
  schemaVersion: number;
  /** The map's identity; a local replica of another map id is never merged into this one. */
  mapId: string;
  createdAt: number;
  extra: Record<string, unknown>;
}

export interface MapSnapshot {
  meta: MapMeta;
  nodes: MapNode[];
  edges: MapEdge[];
  sections: MapSection[];
}
