import { defineConfig } from 'vitest/config';

// Files whose assertions depend on time: they send paced load and judge what a throttle or a clock
// did with it (a token bucket decides on receive times, so a neighbour stealing the CPU changes
// the verdict). They run after everything else has finished, two at a time: most of their time is
// paced waiting (a probe at 50 rps), and two of them side by side passed 3 of 3 runs of this
// project on the 2-core machine (116-124 s, against 226 s one at a time); beside the CLI-spawning
// files of the 'parallel' project, they did not. Files that only count
// (CloudWatch reconciliation, a merged count against nginx's log, an emulator's health) share the cores.
const TIMING_SENSITIVE = [
  'test/e2e/open-loop.test.ts',
  'test/e2e/run-throttle.test.ts',
  'test/e2e/verdict-matrix.test.ts',
  'test/e2e/verify.test.ts',
  'test/e2e/route-gates.test.ts',
  'test/load/**/*.test.ts',
  'test/scale/merged-verdict.test.ts',
  // Every pod (a cold loadgate process) must be ready a second before the start time.
  'test/scale/k8s-run-*.test.ts',
  'test/capacity/**/*.test.ts',
  'test/cli/interrupt.test.ts',
  'test/cli/capacity-stop.test.ts',
  'test/emulator/throttle.test.ts',
  'test/emulator/health.test.ts',
  'test/aws/cloudwatch-emulator.test.ts',
  'test/record/spilling-send-log.test.ts',
];

const shared = {
  // src/ transpiled once per run for the CLI processes tests spawn: no tsx loader in each (test/helpers/test-dist.ts).
  globalSetup: ['test/helpers/test-dist.ts'],
  testTimeout: 30_000,
  hookTimeout: 30_000,
  env: { AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
};

export default defineConfig({
  test: {
    projects: [
      // Everything else (pure functions, refusals, error paths, file formats) shares the cores.
      // Vitest's default is one worker less than the cores, so one on a 2-core runner; these files
      // spend much of their time waiting on the CLI processes they start, so three keep both busy.
      // isolate: false lets a worker keep the modules it loaded (the AWS SDK, zod) from one file to
      // the next: a third less CPU for this project (measured on 33 of its files: 48.5 s -> 34.8 s).
      { test: { ...shared, name: 'parallel', include: ['test/**/*.test.ts'], exclude: TIMING_SENSITIVE, maxWorkers: 3, isolate: false, sequence: { groupOrder: 0 } } },
      { test: { ...shared, name: 'timed', include: TIMING_SENSITIVE, maxWorkers: 2, sequence: { groupOrder: 1 } } },
    ],
  },
});
