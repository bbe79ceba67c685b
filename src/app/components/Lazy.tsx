/**
 * Renders a screen whose code is loaded on first use (a separate, precached chunk), so
 * the first load carries only what Beranda needs. Renders nothing until it arrives. Its
 * load fails only before the service worker holds the app (a first visit on a weak
 * signal): then it says so, with a button that tries again.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Lang } from '../../domain';
import { focusHeadingWhenShown } from '../focus';
import { ui } from '../i18n';

export function Lazy<M>({ load, children }: { load: () => Promise<M>; children: (module: M) => ComponentChildren }) {
  const [module, setModule] = useState<M | null>(null);
  const [failed, setFailed] = useState(false);
  const [tries, setTries] = useState(0);
  useEffect(() => {
    let live = true;
    let stopFocus = () => {};
    load().then(
      (m) => {
        if (!live) return;
        setModule(() => m);
        // After "Coba lagi": the button that had focus is gone; the screen's heading takes it.
        if (tries > 0) stopFocus = focusHeadingWhenShown();
      },
      () => live && setFailed(true),
    );
    return () => {
      live = false;
      stopFocus();
    };
  }, [load, tries]);
  if (module) return <>{children(module)}</>;
  // The page's language (App keeps <html lang> on the librarian's choice, monitoring its own).
  const lang: Lang = document.documentElement.lang === 'en' ? 'en' : 'id';
  return failed ? (
    <div role="alert" class="warning">
      <p>{ui(lang, 'lazy.failed')}</p>
      <button type="button" onClick={() => (setFailed(false), setTries(tries + 1))}>
        {ui(lang, 'lazy.retry')}
      </button>
    </div>
  ) : null;
}
