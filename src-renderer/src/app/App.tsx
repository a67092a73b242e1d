import { useEffect, useMemo, useState } from 'react';
import { CommandPalette, type Command } from '../components/CommandPalette';
import { StatusBar } from '../components/StatusBar';
import { TopBar } from '../components/TopBar';
import { views } from '../views/registry';
import { useContexts } from './contexts';
import { useRoute } from './route';
import { useTheme, type ThemeChoice } from './theme';

export function App() {
  const route = useRoute();
  const theme = useTheme();
  const { snapshot, selected } = useContexts();
  const [paletteOpen, setPaletteOpen] = useState(false);
  const namespace = route.params.get('ns') ?? undefined;

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
    const list: Command[] = views.map((v) => ({ id: `view:${v.id}`, group: 'Go to', title: v.title, keywords: v.keywords, run: () => route.navigate(v.id) }));
    for (const c of snapshot?.contexts ?? []) {
      list.push({ id: `ctx:${c.name}`, group: 'Context', title: c.name, keywords: `${c.cluster} ${c.server ?? ''}`, run: () => route.setParams({ ctx: c.name }) });
    }
    for (const t of ['system', 'light', 'dark'] as ThemeChoice[]) {
      list.push({ id: `theme:${t}`, group: 'Theme', title: t === 'system' ? 'Follow the OS' : t[0]!.toUpperCase() + t.slice(1), run: () => theme.setChoice(t) });
    }
    return list;
  }, [snapshot, route, theme]);

  const view = views.find((v) => v.id === route.view);
  const View = view?.component;
  return (
    <div className="app">
      <TopBar
        snapshot={snapshot}
        context={selected}
        namespace={namespace}
        theme={theme.choice}
        onContext={(ctx) => route.setParams({ ctx })}
        onNamespace={(ns) => route.setParams({ ns })}
        onTheme={theme.setChoice}
        onPalette={() => setPaletteOpen(true)}
      />
      <nav className="sidenav" aria-label="Views">
        {views.map((v) => (
          <a key={v.id} href={`#/${v.id}?${route.params.toString()}`} className={v.id === route.view ? 'active' : undefined} aria-current={v.id === route.view ? 'page' : undefined}>
            {v.title}
          </a>
        ))}
      </nav>
      <main className="content">{View ? <View /> : <div className="notice">No view named “{route.view}”.</div>}</main>
      <StatusBar context={selected} namespace={namespace} />
      {paletteOpen && <CommandPalette commands={commands} onClose={() => setPaletteOpen(false)} />}
    </div>
  );
}
