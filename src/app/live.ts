/** Live database reads for screens: re-rendered whenever the tables they read change. */
import { useEffect, useState } from 'preact/hooks';
import { watch } from '../device';

/** The result of `query`, kept current as the database changes (`initial` until the first read). */
export function useLive<T>(query: () => Promise<T>, deps: readonly unknown[], initial?: T): T | undefined {
  const [value, setValue] = useState<T | undefined>(initial);
  useEffect(() => watch(query, setValue), deps);
  return value;
}
