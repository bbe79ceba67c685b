/**
 * Renders a screen whose code is loaded on first use (a separate, precached chunk), so
 * the first load carries only what Beranda needs. Renders nothing until it arrives.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export function Lazy<M>({ load, children }: { load: () => Promise<M>; children: (module: M) => ComponentChildren }) {
  const [module, setModule] = useState<M | null>(null);
  useEffect(() => {
    let live = true;
    void load().then((m) => live && setModule(() => m));
    return () => {
      live = false;
    };
  }, [load]);
  return module ? <>{children(module)}</> : null;
}
