/**
 * `loadgate emulator --config FILE`: serves one API Gateway API (REST or HTTP API) on this
 * machine until SIGINT/SIGTERM. Parsing and wiring only; the emulator is src/emulator/.
 */
import { rename, writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { loadEmulatorConfig } from '../emulator/config.ts';
import { EmulatorHealth, keepServingOnFault } from '../emulator/health.ts';
import type { RunningEmulator } from '../emulator/server.ts';

interface EmulatorFlags {
  readonly config?: string;
  readonly from?: string;
  readonly port: string;
  readonly host: string;
  readonly cloudwatchPort?: string;
  readonly readyFile?: string;
}

function port(text: string, flag: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65_535) throw UsageError.invalid(undefined, flag, text, 'a port number from 0 to 65535 (0 picks a free one)');
  return n;
}

/** The ready file: stage base URLs, the one endpoint and the CloudWatch endpoint, written atomically. */
async function writeReadyFile(file: string, emulator: RunningEmulator): Promise<void> {
  const body = `${JSON.stringify({ stages: emulator.stages, endpoint: emulator.endpoint, cloudwatchEndpoint: emulator.cloudwatchEndpoint }, null, 2)}\n`;
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temp, body);
    await rename(temp, file);
  } catch (err) {
    throw new UsageError(`--ready-file: cannot write ${JSON.stringify(file)} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { field: '--ready-file' });
  }
}

async function start(flags: EmulatorFlags, health: EmulatorHealth): Promise<RunningEmulator> {
  if ((flags.config === undefined) === (flags.from === undefined)) throw new UsageError('give one of --config FILE (an emulator config) and --from FILE (a SAM / CloudFormation template, an OpenAPI definition or a Terraform plan)');
  // The IaC readers (and their YAML parser) load only for --from.
  const config = flags.config !== undefined ? await loadEmulatorConfig(flags.config) : await (await import('../iac/source.ts')).emulatorConfigFromIac(flags.from as string);
  const apiPort = port(flags.port, '--port');
  const cloudwatchPort = flags.cloudwatchPort !== undefined ? port(flags.cloudwatchPort, '--cloudwatch-port') : undefined;
  // The server (CloudWatch's codecs, the management API) loads only when this command serves:
  // every other command's start-up skips it (docs/architecture.md "Packaging").
  const { ListenError, startEmulator } = await import('../emulator/server.ts');
  try {
    return await startEmulator(config, { port: apiPort, host: flags.host, cloudwatchPort, health });
  } catch (err) {
    if (err instanceof ListenError) {
      const flag = err.listener === 'api' ? '--host/--port' : '--cloudwatch-port';
      const hint = err.listener === 'cloudwatch' && err.code === 'EADDRINUSE' ? '; pick another with --cloudwatch-port' : '';
      throw new UsageError(`${flag}: cannot listen on ${err.host}:${err.port} for the ${err.listener === 'api' ? 'API' : 'CloudWatch endpoint'} (${err.code})${hint}`);
    }
    throw err;
  }
}

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/** The `emulator` command, for the program in main.ts to register. */
export function emulatorCommand(): Command {
  return new Command('emulator')
    .description('Serve an emulated API Gateway API (throttling, usage plans, mock/proxy/Lambda integrations, CloudWatch metrics)')
    .option('--config <file>', 'emulator config (JSON): the limits schema plus route integrations')
    .option('--from <file>', 'serve what infrastructure code declares: a SAM / CloudFormation template (YAML or JSON), an OpenAPI definition or a Terraform plan (terraform show -json); <file>#<LogicalId or address> picks one API')
    .option('--port <n>', 'API port (0 picks a free one)', '3000')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--cloudwatch-port <n>', 'also serve CloudWatch on a port of its own (0 picks a free one; default: CloudWatch on --port with everything else)')
    .option('--ready-file <file>', 'once listening, write {"stages": {...}, "endpoint": "...", "cloudwatchEndpoint": "..."} here')
    .addHelpText(
      'after',
      `
One port for everything: stage URLs follow AWS (REST http://HOST:PORT/<stage>/<path>; HTTP API
the same, or http://HOST:PORT/<path> for the $default stage), and AWS clients reach CloudWatch and
API Gateway's read-only management API there too, told apart by their SigV4 signature's service
(monitoring, apigateway), X-Amz-Target or CBOR protocol header; an unsigned request is always the
API's. Point any AWS client at it; CloudWatch's JSON 1.0, Query and CBOR protocols are served and
any credentials do. For shop.json:
  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
  aws cloudwatch list-metrics --endpoint-url http://127.0.0.1:3000 --namespace AWS/ApiGateway
  aws cloudwatch get-metric-statistics --endpoint-url http://127.0.0.1:3000 \\
    --namespace AWS/ApiGateway --metric-name Count --dimensions Name=ApiName,Value=shop \\
    --statistics Sum --period 60 --start-time $(date -u -d '-1 hour' +%FT%TZ) --end-time $(date -u +%FT%TZ)

  aws apigateway get-stage --rest-api-id <api.id> --stage-name prod --endpoint-url http://127.0.0.1:3000
  loadgate verify --target http://127.0.0.1:3000/prod --limits-from aws:rest:<api.id>/prod --endpoint-url http://127.0.0.1:3000

Examples:
  loadgate emulator --config scenarios/emulator/shop.json
  loadgate emulator --config scenarios/emulator/http-api.json --port 0 --ready-file /tmp/emu.json
  loadgate emulator --from template.yaml            (a SAM / CloudFormation template's API and throttles)`,
    )
    .action(async (flags: EmulatorFlags) => {
      const health = new EmulatorHealth();
      const emulator = await start(flags, health);
      keepServingOnFault(health, (line) => process.stderr.write(`${line}\n`));
      const stopped = untilSignal();
      if (flags.readyFile !== undefined) {
        await writeReadyFile(flags.readyFile, emulator).catch(async (err) => {
          await emulator.close();
          throw err;
        });
      }
      // One write, so a reader waiting for the endpoint line has the stage lines too.
      const lines = [
        ...Object.entries(emulator.stages).map(([name, url]) => `stage ${name}: ${url}`),
        ...(emulator.cloudwatchEndpoint !== emulator.endpoint ? [`cloudwatch: ${emulator.cloudwatchEndpoint}`] : []),
        `endpoint: ${emulator.endpoint} (the API, CloudWatch and the API Gateway management API: --endpoint-url for AWS clients)`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      const signal = await stopped;
      process.stderr.write(`loadgate emulator: ${signal}: stopping\n`);
      await emulator.close();
    });
}
