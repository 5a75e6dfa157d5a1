// Imports a package as seen from bench/peers (its own node_modules), for bench/lib/peers.ts.
export const load = (specifier) => import(specifier);
export const resolvePath = (specifier) => import.meta.resolve(specifier);
