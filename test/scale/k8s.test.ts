/**
 * `loadgate k8s render` checked by an independent validator: kubernetes-models' validate()
 * (JSON schemas generated from Kubernetes' own OpenAPI) for the Job and the ConfigMap, then the
 * fields an Indexed Job of parts must have.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job } from 'kubernetes-models/batch/v1';
import { ConfigMap } from 'kubernetes-models/v1';
import { main } from '../../src/cli/program.ts';

describe('loadgate k8s render', () => {
  let dir: string;
  const scenarioText = JSON.stringify({ name: 'k8s', requests: [{ method: 'GET', path: '/' }], phases: [{ shape: 'constant', rateRps: 1000, duration: '2m' }] });
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loadgate-k8s-'));
    await writeFile(join(dir, 'scenario.json'), scenarioText);
  });
  afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

  async function render(extra: string[] = []): Promise<{ code: number; items: Record<string, any>[] }> {
    const out = join(dir, `m-${extra.length}.json`);
    const startAt = new Date(Date.now() + 120_000).toISOString();
    const code = await main(['k8s', 'render', join(dir, 'scenario.json'), '--parts', '4', '--image', 'ghcr.io/example/loadgate:1', '--target', 'http://api.internal:8080/prod', '--start-at', startAt, '--out', out, ...extra]);
    return { code, items: code === 0 ? (JSON.parse(await readFile(out, 'utf8')) as { items: Record<string, any>[] }).items : [] };
  }

  it('renders a ConfigMap and an Indexed Job that the Kubernetes schemas accept', async () => {
    const { code, items } = await render(['--name', 'split', '--namespace', 'load', '--pvc', 'parts']);
    expect(code).toBe(0);
    const [configMap, job] = items;
    expect(() => new ConfigMap(configMap as never).validate()).not.toThrow();
    expect(() => new Job(job as never).validate()).not.toThrow();
    expect(configMap!.data['scenario.json']).toBe(scenarioText);
    const spec = job!.spec;
    expect(spec).toMatchObject({ completionMode: 'Indexed', completions: 4, parallelism: 4, backoffLimitPerIndex: 0, ttlSecondsAfterFinished: 3600 });
    // Start wait (~120 s) + the 120 s plan + grace + 300 s.
    expect(spec.activeDeadlineSeconds).toBeGreaterThanOrEqual(540);
    expect(spec.activeDeadlineSeconds).toBeLessThan(600);
    const pod = spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    const args: string[] = pod.containers[0].args;
    expect(args.slice(0, 4)).toEqual(['run', '/scenario/scenario.json', '--segment', '$(JOB_COMPLETION_INDEX)/4']);
    expect(args).toContain('$(LOADGATE_START_AT)');
    expect(pod.containers[0].env[0].valueFrom.configMapKeyRef).toEqual({ name: 'split-scenario', key: 'start-at' });
    expect(Number(configMap!.data['start-at'])).toBeGreaterThan(Date.now());
    expect(pod.volumes[1]).toEqual({ name: 'parts', persistentVolumeClaim: { claimName: 'parts' } });
    // Ready = the part warmed up and connected: it creates the file the probe tests for, in a volume of its own pod.
    const container = pod.containers[0];
    expect(args[args.indexOf('--ready-file') + 1]).toBe('/run/loadgate/ready');
    expect(container.readinessProbe).toEqual({ exec: { command: ['test', '-e', '/run/loadgate/ready'] }, periodSeconds: 1, failureThreshold: 1, successThreshold: 1 });
    expect(container.volumeMounts).toContainEqual({ name: 'ready', mountPath: '/run/loadgate' });
    expect(pod.volumes).toContainEqual({ name: 'ready', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } });
  });

  it('the validator is not a rubber stamp: a wrong type in the Job is refused', async () => {
    const { items } = await render();
    const broken = { ...items[1], spec: { ...items[1]!.spec, completions: '4' } };
    expect(() => new Job(broken as never).validate()).toThrow(/completions must be integer/);
  });

  it('refuses a start time in the past and a bad name, in one line (exit 2)', async () => {
    const past = await main(['k8s', 'render', join(dir, 'scenario.json'), '--parts', '2', '--image', 'i', '--target', 'http://a:1', '--start-at', '1000']);
    expect(past).toBe(2);
    const name = await main(['k8s', 'render', join(dir, 'scenario.json'), '--parts', '2', '--image', 'i', '--target', 'http://a:1', '--start-at', String(Date.now() + 60_000), '--name', 'Bad_Name']);
    expect(name).toBe(2);
  });
});
