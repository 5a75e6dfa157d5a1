// End-to-end tests run against the production build (service worker included), built once per run.
import { buildIfNeeded } from '../../server/build.ts';

export default async function setup(): Promise<void> {
  await buildIfNeeded({ log: (m) => console.log(`[e2e] ${m}`) });
}
