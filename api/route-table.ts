import type { Application } from 'express';
import type { RouteAccess } from '../domain/access-control';

/** One route of the app as the router holds it, with the access its first handler declares (if any). */
export interface RouteEntry {
  method: string;
  path: string;
  access: RouteAccess | undefined;
}

interface LayerLike {
  route?: { path: string; methods: Record<string, boolean>; stack: { handle: { access?: RouteAccess } }[] };
  handle: { stack?: LayerLike[]; access?: RouteAccess; inner?: { stack?: LayerLike[] } };
  match(path: string): false | { path: string };
}

/**
 * Every route the app answers, as the OpenAPI check and the access tests see it. Walks the app's router the way a request would, down every mounted router (and through the
 * `withAccess` wrappers, whose access covers every route inside). A route's access is its first
 * handler's `access`, as `allow(…)` declares it; routes nothing declares come back with none.
 */
export function listRoutes(app: Application): RouteEntry[] {
  const root = (app as unknown as { router: { stack: LayerLike[] } }).router;
  const out: RouteEntry[] = [];
  walk(root.stack, '', undefined, out);
  return out;
}

function walk(stack: LayerLike[], prefix: string, inherited: RouteAccess | undefined, out: RouteEntry[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const access = inherited ?? layer.route.stack[0]?.handle.access;
      for (const method of Object.keys(layer.route.methods)) out.push({ method: method.toUpperCase(), path: prefix + layer.route.path, access });
      continue;
    }
    const inner = layer.handle.inner?.stack ?? layer.handle.stack;
    if (!inner) continue;
    // A mounted router's own path: what it strips from a request under /api/v1 (empty when mounted at the root).
    const matched = layer.match('/api/v1/probe');
    const mount = matched ? matched.path : '';
    walk(inner, prefix + mount, layer.handle.access ?? inherited, out);
  }
}
