import type { KindInfo } from '../../../src-main/contract/types';

/** "Network Policies", "Ingresses", "Endpoints": the kind's name, spaced and pluralized. */
export function kindTitle(kind: KindInfo): string {
  const words = kind.kind.replace(/([a-z])([A-Z])/g, '$1 $2');
  if (words.endsWith('Endpoints')) return words;
  if (/(s|x|ch|sh)$/.test(words)) return `${words}es`;
  if (/[^aeiou]y$/.test(words)) return `${words.slice(0, -1)}ies`;
  return `${words}s`;
}
