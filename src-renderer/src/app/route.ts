// View state lives in the URL hash (#/view?ctx=..&ns=..), so a reload or a shared link
// brings back exactly what was on screen, and tests can open any view directly.
import { useCallback, useSyncExternalStore } from 'react';

export interface Route {
  view: string;
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [path = '', query = ''] = raw.split('?', 2);
  return { view: path || 'contexts', params: new URLSearchParams(query) };
}

export function formatHash(view: string, params: URLSearchParams): string {
  const q = params.toString();
  return `#/${view}${q ? `?${q}` : ''}`;
}

const subscribe = (cb: () => void) => {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
};

export function useRoute() {
  const hash = useSyncExternalStore(subscribe, () => location.hash);
  const route = parseHash(hash);
  const navigate = useCallback((view: string, changes: Record<string, string | undefined> = {}) => {
    const current = parseHash(location.hash);
    const params = new URLSearchParams(current.params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined || v === '') params.delete(k);
      else params.set(k, v);
    }
    location.hash = formatHash(view, params);
  }, []);
  const setParams = useCallback(
    (changes: Record<string, string | undefined>) => navigate(parseHash(location.hash).view, changes),
    [navigate],
  );
  return { ...route, navigate, setParams };
}
