/** Tests run against the built packages (dist/), so they exercise exactly what ships;
 *  `npm test` builds first. Test files themselves are TypeScript, compiled by swc. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/tests', '<rootDir>/examples'],
  testMatch: ['**/test/**/*.test.ts', '**/tests/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/packages/.*/dist/.*/package.json'],
  setupFiles: ['reflect-metadata'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022'
      },
      module: { type: 'commonjs' }
    }]
  },
  maxWorkers: 2,
  testTimeout: 120000
};
