const PARAM_VALUES: Record<string, string> = { action: 'pause', keyId: 'key_0123456789abcdef' };

/** The route's path with each parameter filled by a well-formed value that names nothing. */
export function concretePath(path: string): string {
  return path.replace(/:(\w+)/g, (_, name: string) => PARAM_VALUES[name] ?? `nothing_${name}`);
}
