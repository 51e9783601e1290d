const base = require('./jest.config');

/**
 * Tests that load the whole machine for minutes (test/scale): run alone, after the main suite, so
 * that they neither slow its timing-sensitive tests nor share the cores with them.
 */
/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/scale'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
};
