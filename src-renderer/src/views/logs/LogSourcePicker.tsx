// What a log view tails: one or several contexts, and in each the same namespaces, label
// selector, pod-name regex or workload; init and ephemeral containers on request. Submitting
// writes the URL (source.ts), which opens the tail.
import { useState } from 'react';
import { useContexts } from '../../app/contexts';
import { useRoute } from '../../app/route';

type Kind = 'namespaces' | 'selector' | 'regex' | 'workload';
const workloadKinds = ['deployments', 'statefulsets', 'daemonsets', 'jobs', 'replicasets', 'services'] as const;

const split = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function initialKind(p: URLSearchParams): Kind {
  if (p.get('lw')) return 'workload';
  if (p.get('lre')) return 'regex';
  if (p.get('lsel')) return 'selector';
  return 'namespaces';
}

export function LogSourcePicker({ onDone }: { onDone?: () => void }) {
  const route = useRoute();
  const p = route.params;
  const { snapshot, selected } = useContexts();
  // Until the user picks, the URL's contexts or the selected one (which may load after mounting).
  const [chosen, setContexts] = useState<string[] | undefined>(() => (p.get('lctx') ? split(p.get('lctx')!) : undefined));
  const contexts = chosen ?? (selected ? [selected] : []);
  const [kind, setKind] = useState<Kind>(() => initialKind(p));
  const [namespaces, setNamespaces] = useState(p.get('lns') ?? p.get('ns') ?? '');
  const [selector, setSelector] = useState(p.get('lsel') ?? '');
  const [regex, setRegex] = useState(p.get('lre') ?? '');
  const [lw] = useState(() => (p.get('lw') ?? '').split('/'));
  const [workloadKind, setWorkloadKind] = useState(lw[0] || 'deployments');
  const [workloadName, setWorkloadName] = useState(lw[2] ?? '');
  const [init, setInit] = useState(p.get('linit') === '1');
  const [ephemeral, setEphemeral] = useState(p.get('leph') === '1');

  const ns = split(namespaces);
  const ready = contexts.length > 0 && (kind === 'namespaces' ? ns.length > 0 : kind === 'selector' ? !!selector : kind === 'regex' ? !!regex : ns.length === 1 && !!workloadName);
  const toggle = (name: string) => setContexts(contexts.includes(name) ? contexts.filter((c) => c !== name) : [...contexts, name]);
  return (
    <form
      className="log-source-picker"
      data-testid="log-source-picker"
      onSubmit={(e) => {
        e.preventDefault();
        if (!ready) return;
        // One context that is the selected one needs no lctx: links stay short.
        const onlySelected = contexts.length === 1 && contexts[0] === selected;
        route.setParams({
          lctx: onlySelected ? undefined : contexts.join(','),
          lns: ns.length ? ns.join(',') : undefined,
          lsel: kind === 'selector' ? selector : undefined,
          lre: kind === 'regex' ? regex : undefined,
          lw: kind === 'workload' ? `${workloadKind}/${ns[0]}/${workloadName}` : undefined,
          lpods: undefined,
          linit: init ? '1' : undefined,
          leph: ephemeral ? '1' : undefined,
        });
        onDone?.();
      }}
    >
      <fieldset className="contexts" aria-label="Contexts">
        <legend>Contexts</legend>
        {(snapshot?.contexts ?? []).map((c) => (
          <label key={c.name}>
            <input type="checkbox" checked={contexts.includes(c.name)} onChange={() => toggle(c.name)} /> {c.name}
          </label>
        ))}
      </fieldset>
      <div className="filters">
        <select aria-label="Tail" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
          <option value="namespaces">every pod of namespaces</option>
          <option value="selector">pods matching a label selector</option>
          <option value="regex">pods whose name matches</option>
          <option value="workload">a workload or service</option>
        </select>
        {kind === 'workload' && (
          <select aria-label="Workload kind" value={workloadKind} onChange={(e) => setWorkloadKind(e.target.value)}>
            {workloadKinds.map((k) => (
              <option key={k} value={k}>
                {k.replace(/s$/, '')}
              </option>
            ))}
          </select>
        )}
        <input
          aria-label="Namespaces"
          placeholder={kind === 'workload' ? 'namespace' : kind === 'namespaces' ? 'namespaces, comma-separated' : 'namespaces (empty: all)'}
          value={namespaces}
          onChange={(e) => setNamespaces(e.target.value)}
        />
        {kind === 'selector' && <input aria-label="Pods label selector" className="selector" placeholder="label selector, e.g. app=cart" value={selector} onChange={(e) => setSelector(e.target.value)} />}
        {kind === 'regex' && <input aria-label="Pod name regex" placeholder="pod name regex, e.g. ^cart-" value={regex} onChange={(e) => setRegex(e.target.value)} />}
        {kind === 'workload' && <input aria-label="Workload name" placeholder="name" value={workloadName} onChange={(e) => setWorkloadName(e.target.value)} />}
      </div>
      <div className="filters">
        <label>
          <input type="checkbox" checked={init} onChange={(e) => setInit(e.target.checked)} /> init containers
        </label>
        <label>
          <input type="checkbox" checked={ephemeral} onChange={(e) => setEphemeral(e.target.checked)} /> ephemeral (debug) containers
        </label>
        <button type="submit" className="primary" disabled={!ready}>
          Tail
        </button>
        {onDone && (
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
