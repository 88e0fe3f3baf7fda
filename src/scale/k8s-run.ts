/**
 * `loadgate k8s run`: the rendered ConfigMap and Indexed Job (k8s.ts) applied through the
 * official client, every pod Ready before the shared start T (else the Job is deleted and the
 * run aborts before any part sends), then each part folder brought home from its pod's log
 * (part-bundle.ts) for the merge. Pods are polled with list (every 250 ms), not watched: a
 * watch that drops must be re-listed anyway, and N pods over seconds is a small list.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { BatchV1Api, CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { LoadgateError, UsageError } from '../errors.ts';
import { unpackBundle } from './part-bundle.ts';

/**
 * Every pod must be Ready this long before T: the time to delete the Job when one is not, so the
 * ready pods are told to stop before they would send (a real cluster's delete reaches a kubelet
 * in well under a second, usually; a pod it reaches after T sends until its SIGTERM).
 */
export const READY_MARGIN_MS = 1000;

export interface ClusterRunInput {
  /** The List renderIndexedJob wrote (with bundleInLog). */
  readonly manifest: { readonly items: readonly Record<string, any>[] };
  readonly parts: number;
  readonly startAtWallMs: number;
  /** The Job's activeDeadlineSeconds: how long to wait for the parts to finish. */
  readonly deadlineS: number;
  readonly namespace: string;
  /** Where the parts' folders are written: <partsDir>/part-i. */
  readonly partsDir: string;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
  readonly pollMs?: number;
  /** Without it a pod that fails before T aborts the run at once (exit 2): the merge would refuse the missing part anyway. */
  readonly allowPartial?: boolean;
}

export interface ClusterRunOutcome {
  /** Folders of the parts that came home, in part order. */
  readonly dirs: string[];
  /** Parts that failed or brought nothing home, each with why. */
  readonly failed: { readonly index: number; readonly why: string }[];
}

/** KUBECONFIG, then ~/.kube/config, then the in-cluster service account, as kubectl does; --kubeconfig wins. */
export function loadKubeConfig(file: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  // With none of these the client falls back to http://localhost:8080, which is never the cluster meant.
  const found = file !== undefined || Boolean(process.env.KUBECONFIG) || existsSync(join(homedir(), '.kube', 'config')) || Boolean(process.env.KUBERNETES_SERVICE_HOST);
  if (!found) throw new UsageError('k8s run: no kubeconfig (give --kubeconfig, set KUBECONFIG, write ~/.kube/config, or run in a pod)');
  try {
    if (file !== undefined) kc.loadFromFile(file);
    else kc.loadFromDefault();
  } catch (err) {
    throw new UsageError(`${file ?? process.env.KUBECONFIG ?? '~/.kube/config'}: not a readable kubeconfig (${oneLine(err)})`, { file });
  }
  if (!kc.getCurrentCluster()) throw new UsageError(`${file ?? process.env.KUBECONFIG ?? '~/.kube/config'}: no current cluster (give --kubeconfig, set KUBECONFIG, or run in a pod)`, { file });
  return kc;
}

/** The namespace the current context names, else default. */
export function contextNamespace(kc: KubeConfig): string {
  return kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
}

export async function runOnCluster(kc: KubeConfig, input: ClusterRunInput): Promise<ClusterRunOutcome> {
  const core = kc.makeApiClient(CoreV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const { namespace } = input;
  const [configMap, job] = input.manifest.items as [Record<string, any>, Record<string, any>];
  const jobName = job.metadata.name as string;
  const configMapName = configMap.metadata.name as string;
  const cleanUp = async () => {
    // The logs are home (or the run is aborted): nothing on the cluster is needed any more.
    await batch.deleteNamespacedJob({ name: jobName, namespace, propagationPolicy: 'Background' }).catch(() => {});
    await core.deleteNamespacedConfigMap({ name: configMapName, namespace }).catch(() => {});
  };
  await apiCall(`create ConfigMap ${namespace}/${configMapName}`, () => core.createNamespacedConfigMap({ namespace, body: configMap as never }));
  try {
    await apiCall(`create Job ${namespace}/${jobName}`, () => batch.createNamespacedJob({ namespace, body: job as never }));
  } catch (err) {
    await core.deleteNamespacedConfigMap({ name: configMapName, namespace }).catch(() => {});
    throw err;
  }
  const pollMs = input.pollMs ?? 250;
  const listPods = async () => (await apiCall(`list pods of Job ${namespace}/${jobName}`, () => core.listNamespacedPod({ namespace, labelSelector: `job-name=${jobName}` }))).items;
  try {
    // Ready before T: a part that starts after T would send its share late and skew the merge.
    // Ready is the pod's condition, which the readinessProbe on the part's ready file sets once
    // the part has warmed up and connected (k8s.ts READY_FILE), not when its container started.
    for (;;) {
      const byIndex = podsByIndex(await listPods());
      const notReady = Array.from({ length: input.parts }, (_, i) => i).filter((i) => !isReadyOrDone(byIndex.get(i)));
      const failed = [...byIndex].filter(([, pod]) => pod.status?.phase === 'Failed');
      if (failed.length > 0 && !input.allowPartial) {
        const which = failed.map(([i, pod]) => `part ${i}/${input.parts} ${describePod(pod)}`).join(', ');
        throw new LoadgateError('TARGET', `k8s run: a pod failed before the start time (${which}): Job ${namespace}/${jobName} deleted, nothing was sent (--allow-partial runs the other parts and merges them)`, 2);
      }
      if (notReady.length === 0) break;
      if (Date.now() >= input.startAtWallMs - READY_MARGIN_MS || input.signal?.aborted) {
        const which = notReady.map((i) => `part ${i}/${input.parts} ${describePod(byIndex.get(i))}`).join(', ');
        throw new LoadgateError('TARGET', `k8s run: ${input.signal?.aborted ? 'interrupted' : `not every pod was ready ${READY_MARGIN_MS} ms before the start time ${new Date(input.startAtWallMs).toISOString()}`} (${which}): Job ${namespace}/${jobName} deleted, nothing was sent`, input.signal?.aborted ? 130 : 1);
      }
      await sleep(Math.min(pollMs, Math.max(1, input.startAtWallMs - READY_MARGIN_MS - Date.now())));
    }
    input.log(`k8s run: ${input.parts} pods ready, start at ${new Date(input.startAtWallMs).toISOString()}`);
    const finishBy = input.startAtWallMs + input.deadlineS * 1000;
    let pods: Map<number, V1Pod>;
    for (;;) {
      pods = podsByIndex(await listPods());
      const running = [...Array(input.parts).keys()].filter((i) => !isDone(pods.get(i)));
      if (running.length === 0 || Date.now() > finishBy || input.signal?.aborted) break;
      await sleep(pollMs);
    }
    // The pods are deleted with the Job, their logs with them: what they measured cannot be merged.
    if (input.signal?.aborted) throw new LoadgateError('TARGET', `k8s run: interrupted while the parts ran: Job ${namespace}/${jobName} deleted, its parts not merged`, 130);
    const dirs: string[] = [];
    const failed: { index: number; why: string }[] = [];
    for (let index = 0; index < input.parts; index += 1) {
      const pod = pods.get(index);
      const podName = pod?.metadata?.name;
      if (!pod || !podName) { failed.push({ index, why: 'no pod' }); continue; }
      if (pod.status?.phase !== 'Succeeded') { failed.push({ index, why: `pod ${describePod(pod)}` }); continue; }
      const log = await apiCall(`read log of pod ${namespace}/${podName}`, () => core.readNamespacedPodLog({ name: podName, namespace, container: 'part' }));
      const dir = join(input.partsDir, `part-${index}`);
      const unpacked = await unpackBundle(String(log), dir);
      if (unpacked.ok) dirs.push(dir);
      else failed.push({ index, why: `pod ${podName}: ${unpacked.why}` });
    }
    return { dirs, failed };
  } finally {
    await cleanUp();
  }
}

/** Pods by their completion index (the Job controller's annotation); a retried index keeps its newest pod. */
function podsByIndex(pods: readonly V1Pod[]): Map<number, V1Pod> {
  const byIndex = new Map<number, V1Pod>();
  for (const pod of pods) {
    const index = Number(pod.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'] ?? pod.metadata?.labels?.['batch.kubernetes.io/job-completion-index']);
    if (Number.isInteger(index)) byIndex.set(index, pod);
  }
  return byIndex;
}

function isDone(pod: V1Pod | undefined): boolean {
  return pod?.status?.phase === 'Succeeded' || pod?.status?.phase === 'Failed';
}

/** A pod that already ended counts: its part waited for T, so it cannot have finished before it unless it failed (then the merge says so). */
function isReadyOrDone(pod: V1Pod | undefined): boolean {
  if (isDone(pod)) return true;
  return pod?.status?.phase === 'Running' && (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function describePod(pod: V1Pod | undefined): string {
  if (!pod) return 'has no pod';
  const waiting = pod.status?.containerStatuses?.[0]?.state?.waiting?.reason;
  const terminated = pod.status?.containerStatuses?.[0]?.state?.terminated;
  // Running but not Ready: its readinessProbe (the part's ready file, k8s.ts READY_FILE) has not passed.
  const warming = pod.status?.phase === 'Running' && !isReadyOrDone(pod) ? 'not ready: still warming up or connecting' : undefined;
  const how = terminated ? `exit ${terminated.exitCode}${terminated.reason ? ` ${terminated.reason}` : ''}` : waiting ?? warming ?? pod.status?.reason;
  return `${pod.metadata?.name ?? '?'} ${pod.status?.phase ?? 'Unknown'}${how ? ` (${how})` : ''}`;
}

async function apiCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw new LoadgateError('TARGET', `k8s run: ${what} failed: ${oneLine(err)}`);
  }
}

function oneLine(err: unknown): string {
  const e = err as { code?: number; body?: unknown; message?: string };
  const body = typeof e.body === 'string' ? (() => { try { return (JSON.parse(e.body as string) as { message?: string }).message; } catch { return e.body as string; } })() : undefined;
  return (typeof e.code === 'number' ? `HTTP ${e.code}${body ? `: ${body}` : ''}` : e.message ?? String(err)).split('\n')[0]!.slice(0, 300);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
