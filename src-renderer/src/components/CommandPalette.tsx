// Ctrl/Cmd+K: jump to any view, switch context or theme by typing a few letters.
import { useEffect, useMemo, useRef, useState } from 'react';

export interface Command {
  id: string;
  title: string;
  group: string;
  keywords?: string;
  run(): void;
}

/** Subsequence match with a score favouring contiguous and early hits; undefined when no match. */
export function fuzzyScore(query: string, text: string): number | undefined {
  const q = query.toLowerCase().replace(/\s+/g, '');
  const t = text.toLowerCase();
  if (!q) return 0;
  let score = 0;
  let from = 0;
  let last = -2;
  for (const ch of q) {
    const at = t.indexOf(ch, from);
    if (at < 0) return undefined;
    score += at === last + 1 ? 3 : 1;
    if (at === 0 || t[at - 1] === ' ' || t[at - 1] === ':') score += 2;
    last = at;
    from = at + 1;
  }
  return score - t.length / 100;
}

/** Matches on the title win over matches that need the keywords. */
function commandScore(query: string, c: Command): number | undefined {
  const onTitle = fuzzyScore(query, `${c.group}: ${c.title}`);
  if (onTitle !== undefined) return onTitle + 100;
  return fuzzyScore(query, `${c.group}: ${c.title} ${c.keywords ?? ''}`);
}

/** Mounted only while open, so each opening starts with an empty query. */
export function CommandPalette({ commands, onClose }: { commands: Command[]; onClose(): void }) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);

  const matches = useMemo(() => {
    return commands
      .map((c) => ({ c, score: commandScore(query, c) }))
      .filter((m): m is { c: Command; score: number } => m.score !== undefined)
      .sort((a, b) => b.score - a.score)
      .map((m) => m.c);
  }, [commands, query]);

  useEffect(() => input.current?.focus(), []);

  const run = (command: Command | undefined) => {
    if (!command) return;
    onClose();
    command.run();
  };
  return (
    <div className="palette-backdrop" onMouseDown={onClose}>
      <div className="palette" role="dialog" aria-label="Command palette" onMouseDown={(e) => e.stopPropagation()}>
        <input
          ref={input}
          value={query}
          placeholder="Go to view, switch context, change theme…"
          aria-label="Command"
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, matches.length - 1));
            else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
            else if (e.key === 'Enter') run(matches[active]);
            else if (e.key === 'Escape') onClose();
            else return;
            e.preventDefault();
          }}
        />
        <ul role="listbox">
          {matches.length === 0 && <li className="muted empty">No command matches “{query}”</li>}
          {matches.slice(0, 50).map((c, i) => (
            <li key={c.id} role="option" aria-selected={i === active} className={i === active ? 'active' : undefined} onMouseEnter={() => setActive(i)} onClick={() => run(c)}>
              <span className="group">{c.group}</span> {c.title}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
