/** `loadgate k8s render`: wiring only (k8s.ts renders). */
import { Command } from 'commander';
import { writeFileAtomic } from '../result/write-files.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import { targetUrl } from '../scenario/validate.ts';
import { durationMs } from '../validate.ts';
import { numberFlag } from './scenario-flags.ts';
import { renderIndexedJob, scenarioForConfigMap } from '../scale/k8s.ts';
import { parseStartAt } from '../scale/start-at.ts';

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

export function k8sCommand(): Command {
  const k8s = new Command('k8s').description('Run the parts of a split run as a Kubernetes Indexed Job');
  k8s.command('render')
    .description('Write a ConfigMap (scenario + shared start time) and an Indexed Job running one part per pod, as JSON for kubectl apply -f')
    .argument('<scenario>', 'scenario file (.json, or a .ts/.js that imports only loadgate)')
    .requiredOption('--parts <n>', 'number of parts (= pods, completions and parallelism)')
    .requiredOption('--image <image>', 'a container image with loadgate as its entrypoint')
    .requiredOption('--target <url>', 'the target every part sends to')
    .requiredOption('--start-at <time>', 'the shared time 0, epoch ms or ISO 8601 with a zone; leave the pods time to start')
    .option('--name <name>', 'the Job name (the ConfigMap is <name>-scenario)', 'loadgate')
    .option('--namespace <ns>', 'namespace of both objects')
    .option('--deadline <d>', 'activeDeadlineSeconds as a duration (default: until the start, plus the plan, the grace and 5 min)')
    .option('--ttl <d>', 'ttlSecondsAfterFinished as a duration (default 1h)')
    .option('--pvc <claim>', 'mount this PersistentVolumeClaim at /parts for the part folders (default: an emptyDir)')
    .option('--out <file>', 'write the manifest here (default: stdout)')
    .action(async (file: string, flags: RenderFlags) => {
      const scenario = await loadScenarioFile(file);
      const { text, name } = await scenarioForConfigMap(file);
      const seconds = (value: string | undefined, field: string) => value === undefined ? undefined : Math.ceil(durationMs(value, { file: undefined, field }) / 1000);
      const manifest = renderIndexedJob({
        scenario, scenarioText: text, scenarioFileName: name, parts: numberFlag(flags.parts, '--parts', { integer: true, min: 1 }),
        image: flags.image, target: targetUrl(flags.target, { file: undefined, field: '--target' }), startAtWallMs: parseStartAt(flags.startAt),
        name: flags.name, namespace: flags.namespace, deadlineS: seconds(flags.deadline, '--deadline'), ttlS: seconds(flags.ttl, '--ttl'), pvc: flags.pvc,
      });
      const json = `${JSON.stringify(manifest, null, 2)}\n`;
      if (flags.out) await writeFileAtomic(flags.out, json);
      else process.stdout.write(json);
    });
  return k8s;
}
