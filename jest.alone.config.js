const base = require('./jest.config');

/**
 * Tests that need the machine to themselves, run after the main suite so that they neither slow its
 * timing-sensitive tests nor share the cores with them: the start command end to end (a whole stack of
 * its own) and the campaign scale test (both cores busy for minutes; RINGLINE_SKIP_SCALE_TESTS=1
 * leaves it out).
 */
/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/start-command', '<rootDir>/test/scale'],
  testPathIgnorePatterns: ['/node_modules/', ...(process.env.RINGLINE_SKIP_SCALE_TESTS === '1' ? ['<rootDir>/test/scale/'] : [])],
  maxWorkers: 1,
};
