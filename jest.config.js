/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The scale tests run on their own, after this suite (jest.scale.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/scale/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  // Workflow and integration tests run real servers; two workers match the 2-core CI machine.
  maxWorkers: 2,
  testTimeout: 60_000,
  verbose: true,
};
