import type * as Y from 'yjs';
import { applyMapJson, parseMapJson } from '../src/core/formats/json';
import womenServices from './templates/women-services.json' with { type: 'json' };

/**
 * Map templates, seeded on the server when a map is created and never by a
 * client: two clients seeding the same map would each add a copy.
 */
export const TEMPLATE_NAMES = ['blank', 'women-services'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

const FILES: Record<TemplateName, unknown> = {
  blank: null,
  'women-services': womenServices,
};

export function templateTitle(name: TemplateName): string {
  const file = FILES[name] as { title?: unknown } | null;
  return typeof file?.title === 'string' ? file.title : 'Untitled map';
}

/** Writes the template's factors, links and loop names into a new map's document. */
export function seedTemplate(doc: Y.Doc, name: TemplateName): void {
  const file = FILES[name];
  if (file === null) return;
  applyMapJson(doc, parseMapJson(file), 'template');
}
