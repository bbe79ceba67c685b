/** Set by vite.config.ts: the package version and the build it came from. */
declare const __APP_VERSION__: string;
