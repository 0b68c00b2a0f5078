import type * as Y from 'yjs';
import { z } from 'zod';
import {
  LIMITS, addFactor, addLink, addSection, setLeverage, updateFactor, updateLink,
} from '../../core/model/ops';
import {
  CONFIDENCES, EVIDENCE_TYPES, NODE_KINDS, POLARITIES, type MapEdge, type MapNode, type MapSection, type NodeKind,
} from '../../core/model/types';
import { asOneStep } from './history';

/**
 * Copy and paste through the system clipboard, within and between maps.
 *
 * The clipboard gets two versions: plain text in quick-entry form
 * ("Short-term funding -> + Staff turnover"), readable anywhere and pasteable
 * back as text, and HTML carrying the full selection (kinds, positions,
 * notes, evidence, tags, leverage) in a data attribute. Both types are
 * supported by every clipboard API, unlike custom MIME types. Anything read
 * back is checked like any other outside input.
 */

export const MAX_PASTE_FACTORS = 2_000;
export const MAX_PASTE_LINKS = 5_000;

const evidence = z.object({
  text: z.string().max(LIMITS.note).default(''),
  source: z.string().max(LIMITS.evidenceSource).default(''),
  type: z.enum(EVIDENCE_TYPES).nullable().default(null),
});
const leverage = z.object({ level: z.number().int().min(1).max(12), rationale: z.string().max(LIMITS.rationale).default('') }).nullable().default(null);
const tags = z.array(z.string().trim().min(1).max(LIMITS.tag)).max(LIMITS.tagsPerElement).default([]);
const coordinate = z.number().finite().min(-LIMITS.coordinate).max(LIMITS.coordinate);

export const clipboardPayload = z.object({
  format: z.literal('causeway-clipboard'),
  version: z.literal(1),
  factors: z.array(z.object({
    id: z.string().min(1).max(64),
    label: z.string().trim().min(1).max(LIMITS.label),
    kind: z.string().max(40).transform((k): NodeKind => ((NODE_KINDS as readonly string[]).includes(k) ? (k as NodeKind) : 'factor')),
    x: coordinate,
    y: coordinate,
    note: z.string().max(LIMITS.note).default(''),
    tags,
    leverage,
    evidence: evidence.default({ text: '', source: '', type: null }),
  })).max(MAX_PASTE_FACTORS),
  links: z.array(z.object({
    source: z.string().min(1).max(64),
    target: z.string().min(1).max(64),
    polarity: z.enum(POLARITIES),
    delay: z.boolean().default(false),
    note: z.string().max(LIMITS.note).default(''),
    tags,
    leverage,
    evidence: evidence.default({ text: '', source: '', type: null }),
    strength: z.union([z.literal(1), z.literal(2), z.literal(3)]).nullable().default(null),
    confidence: z.enum(CONFIDENCES).nullable().default(null),
  })).max(MAX_PASTE_LINKS),
  sections: z.array(z.object({
    title: z.string().max(LIMITS.title).default(''),
    colour: z.string().regex(/^#[0-9a-fA-F]{6}$/).default('#e5e7eb'),
    x: coordinate,
    y: coordinate,
    width: z.number().finite().min(40).max(LIMITS.sectionSize),
    height: z.number().finite().min(40).max(LIMITS.sectionSize),
  })).max(200).default([]),
});
export type ClipboardPayload = z.output<typeof clipboardPayload>;

/** The selection as a payload: chosen factors, the links among them (and chosen links), chosen sections. */
export function makePayload(
  factors: readonly MapNode[],
  links: readonly MapEdge[],
  sections: readonly MapSection[] = [],
): ClipboardPayload {
  const ids = new Set(factors.map((f) => f.id));
  return {
    format: 'causeway-clipboard',
    version: 1,
    factors: factors.map((f) => ({
      id: f.id, label: f.label || 'Untitled factor', kind: (NODE_KINDS as readonly string[]).includes(f.kind) ? (f.kind as NodeKind) : 'factor',
      x: f.x, y: f.y, note: f.note, tags: f.tags,
      leverage: f.leverage ? { level: f.leverage.level, rationale: f.leverage.rationale } : null,
      evidence: f.evidence,
    })),
    links: links.filter((l) => ids.has(l.source) && ids.has(l.target)).map((l) => ({
      source: l.source, target: l.target, polarity: l.polarity, delay: l.delay, note: l.note, tags: l.tags,
      leverage: l.leverage ? { level: l.leverage.level, rationale: l.leverage.rationale } : null,
      evidence: l.evidence, strength: l.strength, confidence: l.confidence,
    })),
    sections: sections.map((s) => ({ title: s.title, colour: s.colour, x: s.x, y: s.y, width: s.width, height: s.height })),
  };
}

const GLYPH = { '+': '+', '-': '-', '?': '?' } as const;

/** Quick-entry lines: each link, then each factor no link mentions. Labels in quotes when they contain an arrow. */
export function payloadToText(payload: ClipboardPayload): string {
  const byId = new Map(payload.factors.map((f) => [f.id, f.label]));
  const quote = (label: string) => (/->|→|=>/.test(label) ? `"${label}"` : label);
  const mentioned = new Set<string>();
  const lines: string[] = [];
  for (const link of payload.links) {
    mentioned.add(link.source);
    mentioned.add(link.target);
    lines.push(`${quote(byId.get(link.source)!)} -> ${GLYPH[link.polarity]} ${quote(byId.get(link.target)!)}${link.delay ? ', delay' : ''}`);
  }
  for (const factor of payload.factors) if (!mentioned.has(factor.id)) lines.push(quote(factor.label));
  return lines.join('\n');
}

function toBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(data: string): string {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new TextDecoder().decode(bytes);
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** HTML for the clipboard: readable lines, with the full payload in a data attribute. Labels are escaped. */
export function payloadToHtml(payload: ClipboardPayload): string {
  const lines = payloadToText(payload).split('\n').map((line) => `<li>${escapeHtml(line)}</li>`).join('');
  return `<div data-causeway-clipboard="${toBase64(JSON.stringify(payload))}"><ul>${lines}</ul></div>`;
}

/** The payload inside clipboard HTML, or null if there is none or it is not valid. Never throws. */
export function payloadFromHtml(html: string): ClipboardPayload | null {
  const match = /data-causeway-clipboard="([A-Za-z0-9+/=]+)"/.exec(html);
  if (!match) return null;
  try {
    const parsed = clipboardPayload.safeParse(JSON.parse(fromBase64(match[1]!)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export interface PasteResult { factorIds: string[]; linkIds: string[]; sectionIds: string[] }

/**
 * Adds a payload to the map with new ids, as one undo step, so that its
 * top-left corner lands at `at` (keeping the layout of what was copied).
 */
export function pastePayload(doc: Y.Doc, payload: ClipboardPayload, at: { x: number; y: number }, ctx: { origin: unknown; author: string }): PasteResult {
  const xs = [...payload.factors.map((f) => f.x), ...payload.sections.map((s) => s.x)];
  const ys = [...payload.factors.map((f) => f.y), ...payload.sections.map((s) => s.y)];
  const dx = xs.length ? at.x - Math.min(...xs) : 0;
  const dy = ys.length ? at.y - Math.min(...ys) : 0;
  const result: PasteResult = { factorIds: [], linkIds: [], sectionIds: [] };
  const newIds = new Map<string, string>();
  asOneStep(doc, () => {
    for (const s of payload.sections) {
      result.sectionIds.push(addSection(doc, { ...s, x: Math.round(s.x + dx), y: Math.round(s.y + dy) }, ctx));
    }
    for (const f of payload.factors) {
      const id = addFactor(doc, { label: f.label, kind: f.kind, x: Math.round(f.x + dx), y: Math.round(f.y + dy), note: f.note, tags: f.tags }, ctx);
      if (f.evidence.text || f.evidence.source || f.evidence.type) {
        updateFactor(doc, id, { evidence: f.evidence.text, evidenceSource: f.evidence.source, evidenceType: f.evidence.type }, ctx);
      }
      if (f.leverage) setLeverage(doc, id, f.leverage, ctx);
      newIds.set(f.id, id);
      result.factorIds.push(id);
    }
    for (const l of payload.links) {
      const source = newIds.get(l.source);
      const target = newIds.get(l.target);
      if (!source || !target) continue;
      const id = addLink(doc, { source, target, polarity: l.polarity, delay: l.delay, note: l.note, tags: l.tags }, ctx);
      if (l.strength !== null || l.confidence !== null || l.evidence.text || l.evidence.source || l.evidence.type) {
        updateLink(doc, id, {
          strength: l.strength, confidence: l.confidence,
          evidence: l.evidence.text, evidenceSource: l.evidence.source, evidenceType: l.evidence.type,
        }, ctx);
      }
      if (l.leverage) setLeverage(doc, id, l.leverage, ctx);
      result.linkIds.push(id);
    }
  });
  return result;
}
