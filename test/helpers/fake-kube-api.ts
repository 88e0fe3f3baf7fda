/**
 * A small Kubernetes API server on 127.0.0.1 for `loadgate k8s run`, spoken to by the real
 * @kubernetes/client-node: create/delete ConfigMap, create/delete Job, list pods by the
 * job-name label, read a pod's log. Creating an Indexed Job makes its pods, and the "kubelet"
 * here runs each as a local process, `loadgate <args>` (test/helpers/cli.ts cliEntry), with the container's env
 * (JOB_COMPLETION_INDEX, configMapKeyRef values), $(VAR) expanded as the kubelet does, and the
 * volumes as folders (the ConfigMap's keys as files, /parts as a temp folder). A pod is Running
 * once its process is spawned and Ready once its readinessProbe passes: the probe's exec command
 * runs every periodSeconds with its paths mapped into the pod's folders, as a kubelet runs it in
 * the container (no probe: Ready at once). Succeeded or Failed by its exit code. Deleting the Job
 * ends its processes (by PID) and removes its pods.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliEntry } from './cli.ts';


export interface FakeKubeOptions {
  /** Completion indexes whose pods stay Pending (an image that never pulls). */
  readonly neverReady?: readonly number[];
  /** Completion indexes whose container dies at once with exit 1 (OOMKilled, a bad image). */
  readonly crash?: readonly number[];
  /** Completion index -> ms its process blocks at start-up (a slow image, a starved node): Running, not yet warmed up. */
  readonly slowStartMs?: Readonly<Record<number, number>>;
}

interface FakePod {
  readonly object: Record<string, any>;
  log: string;
  process?: ChildProcess;
  probe?: NodeJS.Timeout;
}

export interface FakeKubeApi {
  readonly url: string;
  /** Every request as `METHOD path` (no query), in order. */
  readonly calls: string[];
  /** Writes a kubeconfig naming this server and returns its path (the client refuses plain http unless TLS checks are off). */
  kubeconfig(namespace?: string): string;
  /** Resolves once no pod process is left running. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function fakeKubeApi(opts: FakeKubeOptions = {}): Promise<FakeKubeApi> {
  const root = mkdtempSync(join(tmpdir(), 'loadgate-fake-kube-'));
  const configMaps = new Map<string, Record<string, any>>();
  const jobs = new Map<string, Record<string, any>>();
  const pods = new Map<string, FakePod>();
  const calls: string[] = [];
  let sequence = 0;

  const send = (res: ServerResponse, status: number, body: unknown, type = 'application/json'): void => {
    res.writeHead(status, { 'content-type': type }).end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const status = (res: ServerResponse, code: number, reason: string, message: string): void =>
    send(res, code, { apiVersion: 'v1', kind: 'Status', status: 'Failure', reason, message, code });

  function startPods(namespace: string, job: Record<string, any>): void {
    const spec = job.spec;
    const container = spec.template.spec.containers[0];
    const cm = configMaps.get(`${namespace}/${spec.template.spec.volumes.find((v: any) => v.configMap).configMap.name}`);
    for (let index = 0; index < spec.completions; index += 1) {
      const name = `${job.metadata.name}-${index}-${(sequence += 1).toString(36).padStart(5, 'x')}`;
      const labels = { ...spec.template.metadata.labels, 'job-name': job.metadata.name, 'batch.kubernetes.io/job-name': job.metadata.name, 'batch.kubernetes.io/job-completion-index': String(index) };
      const object = {
        apiVersion: 'v1', kind: 'Pod',
        metadata: { name, namespace, labels, annotations: { 'batch.kubernetes.io/job-completion-index': String(index) }, uid: `pod-${sequence}` },
        spec: { containers: [{ name: container.name, image: container.image }] },
        status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [{ name: container.name, ready: false, state: { waiting: { reason: 'ContainerCreating' } } }] },
      };
      const pod: FakePod = { object, log: '' };
      pods.set(`${namespace}/${name}`, pod);
      if (opts.neverReady?.includes(index)) {
        object.status.containerStatuses[0]!.state = { waiting: { reason: 'ImagePullBackOff' } };
        continue;
      }
      const env: Record<string, string> = { JOB_COMPLETION_INDEX: String(index) };
      for (const e of container.env ?? []) env[e.name] = e.value ?? cm?.data?.[e.valueFrom?.configMapKeyRef?.key] ?? '';
      const podRoot = join(root, name);
      const mounts: Record<string, string> = {};
      for (const m of container.volumeMounts) {
        const volume = spec.template.spec.volumes.find((v: any) => v.name === m.name);
        const dir = join(podRoot, m.name);
        mkdirSync(dir, { recursive: true });
        if (volume.configMap) for (const [key, text] of Object.entries(cm?.data ?? {})) writeFileSync(join(dir, key), String(text));
        mounts[m.mountPath] = dir;
      }
      const expand = (arg: string) => {
        let out = arg.replace(/\$\(([A-Z_][A-Z0-9_]*)\)/g, (whole, v: string) => env[v] ?? whole);
        for (const [mountPath, dir] of Object.entries(mounts)) if (out.startsWith(`${mountPath}/`)) out = dir + out.slice(mountPath.length);
        return out;
      };
      const argv = opts.crash?.includes(index) ? ['-e', 'process.exit(1)'] : [cliEntry(), ...container.args.map(expand)];
      const slowMs = opts.slowStartMs?.[index];
      const nodeOptions = slowMs ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${slowStartScript(root, slowMs)}`.trim() } : {};
      const child = spawn(process.execPath, argv, { env: { ...process.env, ...env, ...nodeOptions, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      pod.process = child;
      child.stdout!.setEncoding('utf8').on('data', (d: string) => (pod.log += d));
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (pod.log += d));
      const setReady = (ready: boolean) => {
        if (object.status.phase !== 'Running') return;
        object.status.conditions = [{ type: 'Ready', status: ready ? 'True' : 'False' }];
        object.status.containerStatuses[0]!.ready = ready;
      };
      object.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [{ name: container.name, ready: false, state: { running: {} } as any }] };
      const probe = container.readinessProbe?.exec?.command as string[] | undefined;
      if (probe) {
        const runProbe = () => spawn(probe[0]!, probe.slice(1).map(expand), { stdio: 'ignore' }).on('close', (code) => setReady(code === 0)).on('error', () => setReady(false));
        runProbe();
        pod.probe = setInterval(runProbe, (container.readinessProbe.periodSeconds ?? 10) * 1000);
      } else setReady(true);
      child.on('close', (code) => {
        pod.process = undefined;
        clearInterval(pod.probe);
        object.status = {
          phase: code === 0 ? 'Succeeded' : 'Failed', conditions: [{ type: 'Ready', status: 'False' }],
          containerStatuses: [{ name: container.name, ready: false, state: { terminated: { exitCode: code ?? 137, reason: code === 0 ? 'Completed' : 'Error' } } as any }],
        };
      });
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    calls.push(`${req.method} ${url.pathname}`);
    let text = '';
    for await (const chunk of req) text += chunk;
    const body = text ? JSON.parse(text) as Record<string, any> : undefined;
    let m: RegExpMatchArray | null;
    if ((m = url.pathname.match(/^\/api\/v1\/namespaces\/([^/]+)\/configmaps(?:\/([^/]+))?$/))) {
      const [, ns, name] = m;
      if (req.method === 'POST' && body) {
        const key = `${ns}/${body.metadata.name}`;
        if (configMaps.has(key)) return status(res, 409, 'AlreadyExists', `configmaps "${body.metadata.name}" already exists`);
        configMaps.set(key, { ...body, metadata: { ...body.metadata, namespace: ns, uid: `cm-${(sequence += 1)}` } });
        return send(res, 201, configMaps.get(key));
      }
      if (req.method === 'DELETE' && name) {
        if (!configMaps.delete(`${ns}/${name}`)) return status(res, 404, 'NotFound', `configmaps "${name}" not found`);
        return send(res, 200, { apiVersion: 'v1', kind: 'Status', status: 'Success' });
      }
    }
    if ((m = url.pathname.match(/^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs(?:\/([^/]+))?$/))) {
      const [, ns, name] = m;
      if (req.method === 'POST' && body) {
        const key = `${ns}/${body.metadata.name}`;
        if (jobs.has(key)) return status(res, 409, 'AlreadyExists', `jobs.batch "${body.metadata.name}" already exists`);
        const job = { ...body, metadata: { ...body.metadata, namespace: ns, uid: `job-${(sequence += 1)}` }, status: {} };
        jobs.set(key, job);
        startPods(ns!, job);
        return send(res, 201, job);
      }
      if (req.method === 'DELETE' && name) {
        if (!jobs.delete(`${ns}/${name}`)) return status(res, 404, 'NotFound', `jobs.batch "${name}" not found`);
        for (const [key, pod] of pods) {
          if (pod.object.metadata.labels['job-name'] !== name || pod.object.metadata.namespace !== ns) continue;
          if (pod.process?.pid) process.kill(pod.process.pid, 'SIGTERM');
          clearInterval(pod.probe);
          pods.delete(key);
        }
        return send(res, 200, { apiVersion: 'v1', kind: 'Status', status: 'Success' });
      }
    }
    if (req.method === 'GET' && (m = url.pathname.match(/^\/api\/v1\/namespaces\/([^/]+)\/pods$/))) {
      const [label, value] = (url.searchParams.get('labelSelector') ?? '').split('=');
      const items = [...pods.values()].map((p) => p.object).filter((o) => o.metadata.namespace === m![1] && (!label || o.metadata.labels[label!] === value));
      return send(res, 200, { apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: String(sequence) }, items });
    }
    if (req.method === 'GET' && (m = url.pathname.match(/^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/))) {
      const pod = pods.get(`${m[1]}/${m[2]}`);
      if (!pod) return status(res, 404, 'NotFound', `pods "${m[2]}" not found`);
      return send(res, 200, pod.log, 'text/plain');
    }
    return status(res, 404, 'NotFound', `the fake API server does not serve ${req.method} ${url.pathname}`);
  }

  const server = createServer((req, res) => { handle(req, res).catch((err: Error) => status(res, 500, 'InternalError', err.message)); });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const running = () => [...pods.values()].some((p) => p.process);
  return {
    url, calls,
    kubeconfig(namespace = 'load') {
      const file = join(root, `kubeconfig-${(sequence += 1)}.json`);
      writeFileSync(file, JSON.stringify({
        apiVersion: 'v1', kind: 'Config', 'current-context': 'fake',
        clusters: [{ name: 'fake', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'fake', user: { token: 'fake-token' } }],
        contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake', namespace } }],
      }));
      return file;
    },
    async idle() { while (running()) await new Promise((r) => setTimeout(r, 50)); },
    async close() {
      for (const pod of pods.values()) {
        clearInterval(pod.probe);
        if (pod.process?.pid) process.kill(pod.process.pid, 'SIGTERM');
      }
      await new Promise<void>((done) => server.close(() => done()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A --require script that blocks node's start-up for `ms` (written once per duration). */
function slowStartScript(root: string, ms: number): string {
  const file = join(root, `slow-start-${ms}.cjs`);
  writeFileSync(file, `Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${ms});\n`);
  return file;
}
