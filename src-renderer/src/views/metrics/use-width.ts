import { useEffect, useState, type RefObject } from 'react';

/** An element's width in px, rounded down to `step` so small resizes do not re-run queries. */
export function useWidth(ref: RefObject<HTMLElement | null>, step = 100, fallback = 1000): number {
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setWidth(Math.max(step, Math.floor(el.clientWidth / step) * step));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref, step]);
  return width;
}
