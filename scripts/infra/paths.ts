import path from 'node:path';

/** Fixed places in the checkout: pinned tools and local data stay inside it and are git-ignored. */
export const ROOT_DIR = path.resolve(__dirname, '..', '..');
export const TOOLS_BIN_DIR = path.join(ROOT_DIR, '.tools', 'bin');
export const DATA_DIR = path.join(ROOT_DIR, '.data');
