/**
 * `loadgate k8s render`: the parts of a split run as a Kubernetes Indexed Job, the engine that
 * already runs N pods to completion with a stable index each (no operator needed):
 *
 *   List [ ConfigMap <name>-scenario   scenario file + the shared start time T
 *          Job <name>                  completionMode Indexed, completions = parallelism = N,
 *                                      restartPolicy Never, backoffLimitPerIndex 0 (a failed part
 *                                      is not re-run: its rerun would start after T and skew the
 *                                      merge), activeDeadlineSeconds, ttlSecondsAfterFinished;
 *                                      pod i runs `loadgate run --segment $(JOB_COMPLETION_INDEX)/N
 *                                      --start-at T` into /parts/part-i; Ready (its
 *                                      readinessProbe) once the part has warmed up and connected ]
 *
 * Written as JSON (kubectl applies it as is). The parts' folders go to /parts: an emptyDir
 * unless `--pvc` names a claim they all mount; `loadgate merge` then runs on them.
 */
import { basename, extname } from 'node:path';
import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.ts';
import type { Scenario } from '../scenario/types.ts';
import { planOf } from '../schedule/plan.ts';
import { MAX_PARTS } from '../load/segment.ts';

export interface RenderInput {
  readonly scenario: Scenario;
  /** The scenario file's own text, mounted into every pod. */
  readonly scenarioText: string;
  readonly scenarioFileName: string;
  readonly parts: number;
  readonly image: string;
  readonly target: string;
  readonly startAtWallMs: number;
  readonly name: string;
  readonly namespace?: string;
  /** When the Job is killed whatever its state, s from now. @default start wait + duration + grace + 300 */
  readonly deadlineS?: number;
  /** @default 3600 */
  readonly ttlS?: number;
  readonly pvc?: string;
  readonly nowWallMs?: number;
  /** `k8s run`: each pod runs its part through `loadgate k8s part`, which prints the part folder as its last log line (part-bundle.ts). */
  readonly bundleInLog?: boolean;
}

/**
 * The part creates this file once warmed up and connected (`run --ready-file`), and the pod's
 * readinessProbe tests for it: Ready then means "can start at T", not merely "started". In its
 * own emptyDir: a claim at /parts may be shared by every pod, and the image's root may be read-only.
 * The probe is `test -e` (coreutils or busybox, in any image with a shell), not `node -e`: the
 * kubelet runs it every second for the whole run, and a node start costs 60-110 ms of CPU (`node -e 0`, measured here).
 */
export const READY_DIR = '/run/loadgate';
export const READY_FILE = `${READY_DIR}/ready`;

const NAME = /^[a-z0-9]([-a-z0-9]{0,50}[a-z0-9])?$/;

export function renderIndexedJob(input: RenderInput): Record<string, unknown> {
  if (!NAME.test(input.name)) throw UsageError.invalid(undefined, '--name', input.name, 'a DNS label of at most 52 lowercase letters, digits and -');
  if (!(Number.isInteger(input.parts) && input.parts >= 1 && input.parts <= MAX_PARTS)) throw UsageError.invalid(undefined, '--parts', input.parts, `a whole number from 1 to ${MAX_PARTS}`);
  const nowWallMs = input.nowWallMs ?? Date.now();
  if (input.startAtWallMs <= nowWallMs) throw UsageError.invalid(undefined, '--start-at', new Date(input.startAtWallMs).toISOString(), 'a time in the future (the pods must be scheduled, pulled and warmed up before it)');
  const plan = planOf(input.scenario.phases, input.scenario.file ?? undefined);
  const waitS = Math.ceil((input.startAtWallMs - nowWallMs) / 1000);
  const deadlineS = input.deadlineS ?? waitS + Math.ceil(plan.durationMs / 1000) + Math.ceil(input.scenario.options.graceMs / 1000) + 300;
  const labels = { 'app.kubernetes.io/name': 'loadgate', 'app.kubernetes.io/instance': input.name };
  const metadata = (name: string) => ({ name, labels, ...(input.namespace ? { namespace: input.namespace } : {}) });
  const scenarioKey = `scenario${extname(input.scenarioFileName) || '.json'}`;
  const configMap = {
    apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(`${input.name}-scenario`),
    data: { [scenarioKey]: input.scenarioText, 'start-at': String(input.startAtWallMs) },
  };
  const job = {
    apiVersion: 'batch/v1', kind: 'Job', metadata: metadata(input.name),
    spec: {
      completionMode: 'Indexed', completions: input.parts, parallelism: input.parts,
      backoffLimitPerIndex: 0, activeDeadlineSeconds: deadlineS, ttlSecondsAfterFinished: input.ttlS ?? 3600,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          containers: [{
            name: 'part', image: input.image,
            // $(VAR) is expanded by the kubelet from the env below; JOB_COMPLETION_INDEX is set by the Job controller.
            args: [...(input.bundleInLog ? ['k8s', 'part', '--'] : []), 'run', `/scenario/${scenarioKey}`, '--segment', `$(JOB_COMPLETION_INDEX)/${input.parts}`, '--start-at', '$(LOADGATE_START_AT)',
              '--target', input.target, '--out', '/parts/part-$(JOB_COMPLETION_INDEX)', '--ready-file', READY_FILE, '--quiet'],
            readinessProbe: { exec: { command: ['test', '-e', READY_FILE] }, periodSeconds: 1, failureThreshold: 1, successThreshold: 1 },
            env: [{ name: 'LOADGATE_START_AT', valueFrom: { configMapKeyRef: { name: `${input.name}-scenario`, key: 'start-at' } } }],
            volumeMounts: [{ name: 'scenario', mountPath: '/scenario', readOnly: true }, { name: 'parts', mountPath: '/parts' }, { name: 'ready', mountPath: READY_DIR }],
          }],
          volumes: [
            { name: 'scenario', configMap: { name: `${input.name}-scenario` } },
            input.pvc ? { name: 'parts', persistentVolumeClaim: { claimName: input.pvc } } : { name: 'parts', emptyDir: {} },
            { name: 'ready', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
          ],
        },
      },
    },
  };
  return { apiVersion: 'v1', kind: 'List', items: [configMap, job] };
}

/** The scenario file's text and name for the ConfigMap; a file that imports others cannot travel alone. */
export async function scenarioForConfigMap(file: string): Promise<{ text: string; name: string }> {
  const text = await readFile(file, 'utf8');
  if (/^\s*import\s.+from\s+['"]\.{1,2}\//m.test(text)) {
    throw new UsageError(`${file}: imports a relative module, which the pods would not have: use a .json scenario, or one that imports only 'loadgate'`, { file });
  }
  return { text, name: basename(file) };
}
