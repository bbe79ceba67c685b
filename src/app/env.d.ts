/** Set by vite.config.ts: the package version and the build it came from. */
declare const __APP_VERSION__: string;
/** Set by vite.config.ts: the UTC date of the build (YYYY-MM-DD). */
declare const __BUILD_DATE__: string;
