/** Tests run from TypeScript sources through ts-jest; engine and package tests use the compiled dist/ (npm test builds first). */
module.exports = {
  testEnvironment: "node",
  // The provider keeps its process-wide state on globalThis on purpose (see provider/runtime.ts).
  testEnvironmentOptions: { globalsCleanup: "off" },
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.test.json" }] },
  // Examples import the package by name, as users do; in tests that name is the source.
  moduleNameMapper: { "^pulumi-vm-availability$": "<rootDir>/provider/index.ts" },
  testTimeout: 60000,
  maxWorkers: 2,
};
