/** `loadgate k8s render | run | part`: wiring only (scale/k8s.ts renders, scale/k8s-run.ts drives the cluster). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { UsageError } from '../errors.ts';
import { OPTIONAL_PEERS } from '../version.ts';
import { writeFileAtomic } from '../result/write-files.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import { targetUrl } from '../scenario/validate.ts';
import { durationMs } from '../validate.ts';
import { numberFlag, withOverrides, type RunFlags as ScenarioFlags } from './scenario-flags.ts';
import { renderIndexedJob, scenarioForConfigMap } from '../scale/k8s.ts';
import { parseStartAt } from '../scale/start-at.ts';
import { bundleLine } from '../scale/part-bundle.ts';
import { PART_FILE, type StoredFlags } from '../scale/part-file.ts';
import { checkParts, judgeMerged, loadParts } from '../scale/merge-run.ts';
import { withInterrupt } from './interrupt.ts';
import { baselineStep } from './baseline-step.ts';
import { baselineOptions } from './split-run.ts';
import { renderTerminal } from '../report/terminal.ts';
import { writeNotes } from './notes.ts';

interface RenderFlags {
  readonly parts: string;
  readonly image: string;
  readonly target: string;
  readonly startAt: string;
  readonly name: string;
  readonly namespace?: string;
  readonly deadline?: string;
  readonly ttl?: string;
  readonly pvc?: string;
  readonly out?: string;
}

interface RunFlags extends RenderFlags {
  readonly kubeconfig?: string;
  readonly allowPartial?: boolean;
  readonly gate: string[];
  readonly cloudwatch?: boolean;
  readonly quiet?: boolean;
  readonly baseline?: string;
  readonly maxRegression: string[];
}

/** The options render and run share: both build the same ConfigMap and Job. */
function jobOptions(command: Command): Command {
  return command
    .argument('<scenario>', 'scenario file (.json, or a .ts/.js that imports only loadgate)')
    .requiredOption('--parts <n>', 'number of parts (= pods, completions and parallelism)')
    .requiredOption('--image <image>', 'a container image with loadgate as its entrypoint')
    .requiredOption('--target <url>', 'the target every part sends to')
    .requiredOption('--start-at <time>', 'the shared time 0, epoch ms or ISO 8601 with a zone; leave the pods time to start')
    .option('--name <name>', 'the Job name (the ConfigMap is <name>-scenario)', 'loadgate')
    .option('--namespace <ns>', 'namespace of both objects')
    .option('--deadline <d>', 'activeDeadlineSeconds as a duration (default: until the start, plus the plan, the grace and 5 min)')
    .option('--ttl <d>', 'ttlSecondsAfterFinished as a duration (default 1h)');
}

async function render(file: string, flags: RenderFlags, extra: { namespace?: string; bundleInLog?: boolean } = {}) {
  const scenario = await loadScenarioFile(file);
  const { text, name } = await scenarioForConfigMap(file);
  const seconds = (value: string | undefined, field: string) => value === undefined ? undefined : Math.ceil(durationMs(value, { file: undefined, field }) / 1000);
  const parts = numberFlag(flags.parts, '--parts', { integer: true, min: 1 });
  const startAtWallMs = parseStartAt(flags.startAt);
  const manifest = renderIndexedJob({
    scenario, scenarioText: text, scenarioFileName: name, parts,
    image: flags.image, target: targetUrl(flags.target, { file: undefined, field: '--target' }), startAtWallMs,
    name: flags.name, namespace: extra.namespace ?? flags.namespace, deadlineS: seconds(flags.deadline, '--deadline'), ttlS: seconds(flags.ttl, '--ttl'), pvc: flags.pvc,
    bundleInLog: extra.bundleInLog,
  });
  return { manifest, parts, startAtWallMs, scenario };
}

export function k8sCommand(): Command {
  const k8s = new Command('k8s').description('Run the parts of a split run as a Kubernetes Indexed Job');
  jobOptions(k8s.command('render'))
    .description('Write a ConfigMap (scenario + shared start time) and an Indexed Job running one part per pod, as JSON for kubectl apply -f')
    .option('--pvc <claim>', 'mount this PersistentVolumeClaim at /parts for the part folders (default: an emptyDir)')
    .option('--out <file>', 'write the manifest here (default: stdout)')
    .action(async (file: string, flags: RenderFlags) => {
      const json = `${JSON.stringify((await render(file, flags)).manifest, null, 2)}\n`;
      if (flags.out) await writeFileAtomic(flags.out, json);
      else process.stdout.write(json);
    });
  baselineOptions(jobOptions(k8s.command('run')))
    .description('Apply the ConfigMap and Indexed Job, wait for every pod to be ready before the start time, bring each part home from its pod log, and judge the exact merge')
    .option('--kubeconfig <file>', 'kubeconfig (default: KUBECONFIG, ~/.kube/config, or the in-cluster service account)')
    .option('--allow-partial', 'merge and judge the parts that came home when a pod failed (the report names the missing ones)')
    .option('--gate <expr>', 'an extra gate on the merged record (repeatable)', (v: string, prev: string[]) => [...prev, v], [])
    .addOption(new Option('--no-cloudwatch', 'never pull CloudWatch'))
    .option('--out <dir>', 'output folder of the merged run; the parts go to <dir>/parts (default reports/<name>-<start>)')
    .option('-q, --quiet', 'no summary table')
    .action(async (file: string, flags: RunFlags) => {
      const { contextNamespace, loadKubeConfig, runOnCluster } = await loadClusterDriver();
      const againstBaseline = await baselineStep(flags.baseline, flags.maxRegression);
      const kc = loadKubeConfig(flags.kubeconfig);
      const namespace = flags.namespace ?? contextNamespace(kc);
      const { manifest, parts, startAtWallMs, scenario } = await render(file, flags, { namespace, bundleInLog: true });
      const outDir = flags.out ?? join('reports', `${flags.name}-${startAtWallMs}`);
      const job = (manifest.items as Record<string, any>[])[1]!;
      const outcome = await withInterrupt(async (signal) => {
        const home = await runOnCluster(kc, {
          manifest: manifest as never, parts, startAtWallMs, deadlineS: job.spec.activeDeadlineSeconds as number, namespace,
          partsDir: join(outDir, 'parts'), log: (line) => process.stderr.write(`${line}\n`), signal, allowPartial: flags.allowPartial === true,
        });
        for (const { index, why } of home.failed) process.stderr.write(`k8s run: part ${index}/${parts} failed: ${why}\n`);
        if (home.dirs.length === 0) throw new UsageError(`k8s run: no part came home (${home.failed.length} failed), nothing to merge`);
        const checked = checkParts(await loadParts(home.dirs), flags.allowPartial === true);
        const stored = checked.parts[0]!.manifest.flags as StoredFlags;
        // The pods ran the ConfigMap's copy of this file with --target: the merge judges the same scenario.
        const merged = await withOverrides(scenario, { header: [], gate: [], maxRegression: [], target: flags.target } as unknown as ScenarioFlags);
        return judgeMerged(merged, checked.parts, {
          outDir, missing: checked.missing, signal, extraGates: [...((stored.gate as string[] | undefined) ?? []), ...flags.gate],
          cloudwatch: flags.cloudwatch === false ? false : (stored.cloudwatch as boolean | undefined), finish: againstBaseline,
        });
      });
      if (!flags.quiet) process.stdout.write(`${renderTerminal(outcome.result, { color: process.stdout.isTTY === true && !process.env.NO_COLOR })}\n`);
      writeNotes(outcome.result);
      process.stderr.write(`result: ${outcome.outDir}/result.json (parts in ${join(outDir, 'parts')})\n`);
      process.exitCode = outcome.exitCode;
    });
  k8s.command('part')
    .description("Inside a pod of k8s run: run one part (the arguments after --), then print its folder as the log's last line for the coordinator")
    .argument('<run...>', 'run --segment i/N --start-at T ... --out DIR')
    .action(async (args: string[]) => {
      const out = args[args.indexOf('--out') + 1];
      if (args[0] !== 'run') throw new UsageError(`k8s part: the arguments after -- must be a loadgate run command, not ${JSON.stringify(args[0])}`);
      if (!args.includes('--out') || out === undefined) throw new UsageError('k8s part: the run arguments must name --out DIR');
      // In this process (one cold start per pod, not two), its stdout on stderr while it runs:
      // stdout (the same pod log) then ends with the bundle line alone.
      const { main } = await import('./program.ts');
      const stdoutWrite = process.stdout.write;
      process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
      let code: number;
      try {
        code = await main(args);
      } finally {
        process.stdout.write = stdoutWrite;
      }
      // 130 = interrupted and written: the merge takes it and says so.
      if ((code === 0 || code === 130) && existsSync(join(out, PART_FILE))) {
        process.stdout.write(`${await bundleLine(out)}\n`);
        process.exitCode = 0;
      } else process.exitCode = code === 0 ? 1 : code;
    });
  return k8s;
}

/**
 * The Kubernetes client is an optional peer dependency (docs/scale-out.md "Kubernetes"): 57 MB
 * that only `k8s run` needs, loaded here so it costs no other command its ~0.6 s of cold start.
 */
const KUBERNETES_CLIENT = '@kubernetes/client-node';

async function loadClusterDriver(): Promise<typeof import('../scale/k8s-run.ts')> {
  try {
    return await import('../scale/k8s-run.ts');
  } catch (err) {
    const missing = (err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes(`'${KUBERNETES_CLIENT}'`);
    if (!missing) throw err;
    throw new UsageError(`k8s run: needs the Kubernetes client, which loadgate does not install by default: npm install ${KUBERNETES_CLIENT}@${OPTIONAL_PEERS[KUBERNETES_CLIENT]} (k8s render needs nothing)`);
  }
}

