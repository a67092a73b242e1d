// A dropdown of checkboxes that narrows the view to some of its pods or containers (none checked:
// all). The choices come from the view's streams, so a pod that has left stays pickable while its
// lines are in the buffer; a value picked before (a link, an earlier view) that no stream has is
// listed too, checked, so it can be seen and unchecked.
import type { ReactNode } from 'react';

export interface PickOption {
  value: string;
  label: ReactNode;
}

export function PickFilter(props: { name: string; options: PickOption[]; selected: readonly string[]; onChange(values: string[] | undefined): void; testId?: string }) {
  const selected = new Set(props.selected);
  const known = new Set(props.options.map((o) => o.value));
  const options = [...props.options, ...props.selected.filter((v) => !known.has(v)).map((v) => ({ value: v, label: v }))];
  const toggle = (value: string) => {
    const next = new Set(selected);
    if (next.has(value)) next.delete(value);
    else next.add(value);
    props.onChange(next.size ? [...next] : undefined);
  };
  return (
    <details className="pick-filter" data-testid={props.testId}>
      <summary className={selected.size ? 'on' : ''}>
        {props.name}: {selected.size ? `${selected.size} of ${options.length}` : 'all'}
      </summary>
      <div className="pick-list" role="group" aria-label={props.name}>
        <button type="button" disabled={!selected.size} onClick={() => props.onChange(undefined)}>
          All
        </button>
        {options.map((o) => (
          <label key={o.value}>
            <input type="checkbox" checked={selected.has(o.value)} onChange={() => toggle(o.value)} /> {o.label}
          </label>
        ))}
      </div>
    </details>
  );
}
