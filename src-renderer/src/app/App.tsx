import { useEffect, useMemo, useState } from 'react';
import type { KindInfo } from '../../../src-main/contract/types';
import { CommandPalette, type Command } from '../components/CommandPalette';
import { StatusBar } from '../components/StatusBar';
import { TopBar } from '../components/TopBar';
import { useLatest } from '../api/hooks';
import { useKinds } from '../api/useKinds';
import { kindTitle } from '../views/kind-title';
import { views } from '../views/registry';
import { logCommands } from '../views/logs/log-commands';
import { useLogTargets } from '../views/logs/useLogTargets';
import { useContexts } from './contexts';
import { useRoute } from './route';
import { useTheme, type ThemeChoice } from './theme';

/** Context and namespace follow the user from view to view; view-specific filters do not. */
function navParams(current: URLSearchParams, extra: Record<string, string> = {}): string {
  const next = new URLSearchParams();
  for (const key of ['ctx', 'ns']) {
    const v = current.get(key);
    if (v) next.set(key, v);
  }
  for (const [k, v] of Object.entries(extra)) next.set(k, v);
  return next.toString();
}

function categories(kinds: KindInfo[] | undefined): Array<[string, KindInfo[]]> {
  const order = ['Workloads', 'Network', 'Config', 'Storage', 'Access', 'Cluster', 'Custom', 'Other'];
  const groups = new Map<string, KindInfo[]>();
  for (const k of kinds ?? []) groups.set(k.category, [...(groups.get(k.category) ?? []), k]);
  return [...groups.entries()].sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]));
}

export function App() {
  const route = useRoute();
  const theme = useTheme();
  const { snapshot, selected } = useContexts();
  const [paletteOpen, setPaletteOpen] = useState(false);
  const namespace = route.params.get('ns') ?? undefined;
  const kinds = useKinds(selected);
  const namespaces = useLatest('cluster.namespaces', { context: selected ?? '' }, undefined, !selected).value;
  const logTargets = useLogTargets(selected, paletteOpen);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setPaletteOpen((open) => !open);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const commands = useMemo<Command[]>(() => {
    const list: Command[] = views.filter((v) => v.nav).map((v) => ({ id: `view:${v.id}`, group: 'Go to', title: v.title, keywords: v.keywords, run: () => route.navigate(v.id) }));
    for (const k of kinds.data ?? []) {
      list.push({ id: `kind:${k.id}`, group: 'Go to', title: kindTitle(k), keywords: `${k.resource} ${k.category}`, run: () => route.navigate('resources', { kind: k.id, sort: undefined, desc: undefined, q: undefined, sel: undefined }) });
    }
    for (const c of snapshot?.contexts ?? []) {
      list.push({ id: `ctx:${c.name}`, group: 'Context', title: c.name, keywords: `${c.cluster} ${c.server ?? ''}`, run: () => route.setParams({ ctx: c.name }) });
    }
    list.push(...logCommands(logTargets, route.params));
    for (const t of ['system', 'light', 'dark'] as ThemeChoice[]) {
      list.push({ id: `theme:${t}`, group: 'Theme', title: t === 'system' ? 'Follow the OS' : t[0]!.toUpperCase() + t.slice(1), run: () => theme.setChoice(t) });
    }
    return list;
  }, [snapshot, route, theme, kinds.data, logTargets]);

  const view = views.find((v) => v.id === route.view);
  const View = view?.component;
  return (
    <div className="app">
      <TopBar
        snapshot={snapshot}
        context={selected}
        namespace={namespace}
        namespaces={namespaces}
        theme={theme.choice}
        onContext={(ctx) => route.setParams({ ctx })}
        onNamespace={(ns) => route.setParams({ ns })}
        onTheme={theme.setChoice}
        onPalette={() => setPaletteOpen(true)}
      />
      <nav className="sidenav" aria-label="Views">
        {views
          .filter((v) => v.nav)
          .map((v) => (
            <a key={v.id} href={`#/${v.id}?${navParams(route.params)}`} className={v.id === route.view ? 'active' : undefined} aria-current={v.id === route.view ? 'page' : undefined}>
              {v.title}
            </a>
          ))}
        {categories(kinds.data).map(([category, list]) => (
          <div key={category}>
            <div className="nav-group">{category}</div>
            {list.map((k) => {
              const active = route.view === 'resources' && (route.params.get('kind') ?? 'pods') === k.id;
              return (
                <a key={k.id} href={`#/resources?${navParams(route.params, { kind: k.id })}`} className={active ? 'active' : undefined} aria-current={active ? 'page' : undefined}>
                  {kindTitle(k)}
                </a>
              );
            })}
          </div>
        ))}
      </nav>
      <main className="content">{View ? <View /> : <div className="notice">No view named “{route.view}”.</div>}</main>
      <StatusBar context={selected} namespace={namespace} />
      {paletteOpen && <CommandPalette commands={commands} onClose={() => setPaletteOpen(false)} />}
    </div>
  );
}
