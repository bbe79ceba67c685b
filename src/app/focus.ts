/**
 * Moves focus to the first of `ids` present in the page, after the render that shows them:
 * a message, or what takes the place of a control that went (its focus would fall to the page).
 */
export function focusFirstError(ids: string[]): void {
  requestAnimationFrame(() => {
    for (const id of ids) {
      const el = document.getElementById(id);
      if (el) {
        el.focus();
        return;
      }
    }
  });
}

/**
 * Moves focus to the first, in the page's order, of the controls `ids` names, after the render
 * that marks them: a form's fields with messages. The schema lists its problems in its own
 * order (a partner's name before the count of participants above it), not the reader's.
 */
export function focusFirstInPage(ids: string[]): void {
  requestAnimationFrame(() => {
    const present = ids.map((id) => document.getElementById(id)).filter((el): el is HTMLElement => el !== null);
    present.sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
    present[0]?.focus();
  });
}

/**
 * Moves focus to the screen's heading (`main h1`) as soon as it is in the page, as a page
 * load would. Screens are loaded lazily and some render their heading only once their data
 * is read, so it may come a moment after the route changed. Returns the function that stops
 * waiting (the next route change); gives up after `ms`.
 */
export function focusHeadingWhenShown(ms = 5_000): () => void {
  const focus = () => {
    const heading = document.querySelector<HTMLElement>('main h1');
    heading?.focus();
    return heading !== null;
  };
  if (focus()) return () => {};
  const main = document.querySelector('main') ?? document.body;
  const observer = new MutationObserver(() => {
    if (focus()) stop();
  });
  const timer = setTimeout(() => stop(), ms);
  function stop() {
    observer.disconnect();
    clearTimeout(timer);
  }
  observer.observe(main, { childList: true, subtree: true });
  return stop;
}
