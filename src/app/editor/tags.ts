/** Tag vocabulary from DOMAIN.md, offered alongside the tags already on the map. Groups may add their own. */
export const TAG_VOCABULARY: ReadonlyArray<{ group: string; tags: readonly string[] }> = [
  {
    group: 'Sectors',
    tags: [
      'substance use', 'mental health', 'homelessness & housing', 'criminal justice', 'domestic & sexual abuse',
      "children's social care", 'adult social care', 'NHS & public health', 'welfare & employment', 'voluntary sector',
    ],
  },
  {
    group: 'Populations',
    tags: [
      'women', 'mothers', 'BME women', 'women with no recourse to public funds', 'LBTQI+', 'disabled women', 'care leavers',
    ],
  },
  {
    group: 'Themes',
    tags: [
      'funding', 'access', 'transitions', 'trauma-informed', 'gender', 'workforce', 'information flows', 'co-production',
      'outcomes', 'stigma',
    ],
  },
];

export interface TagSuggestion { tag: string; group: string }

/**
 * Suggestions for a tag being typed: the map's own tags first (what this
 * group already uses), then the vocabulary; without what the element has.
 */
export function suggestTags(query: string, mapTags: readonly string[], has: readonly string[], limit = 12): TagSuggestion[] {
  const q = query.trim().toLowerCase();
  const taken = new Set(has.map((t) => t.toLowerCase()));
  const seen = new Set<string>();
  const out: TagSuggestion[] = [];
  const offer = (tag: string, group: string) => {
    const key = tag.toLowerCase();
    if (taken.has(key) || seen.has(key)) return;
    if (q && !key.includes(q)) return;
    seen.add(key);
    out.push({ tag, group });
  };
  for (const tag of [...mapTags].sort((a, b) => a.localeCompare(b))) offer(tag, 'On this map');
  for (const { group, tags } of TAG_VOCABULARY) for (const tag of tags) offer(tag, group);
  // Starts-with before contains, keeping group order otherwise.
  if (q) out.sort((a, b) => Number(!a.tag.toLowerCase().startsWith(q)) - Number(!b.tag.toLowerCase().startsWith(q)));
  return out.slice(0, limit);
}
