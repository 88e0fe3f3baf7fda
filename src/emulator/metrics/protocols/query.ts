/**
 * AWS Query, as awscli v2 (and boto3 with the query model) speaks it: a form body
 * `Action=GetMetricData&Version=2010-08-01&MetricDataQueries.member.1.Id=c&...` (or the same
 * in a GET's query string), answered in XML:
 *
 *   <GetMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">
 *     <GetMetricDataResult> ...members; a list is <member> children... </GetMetricDataResult>
 *     <ResponseMetadata><RequestId>uuid</RequestId></ResponseMetadata>
 *   </GetMetricDataResponse>
 *
 *   <ErrorResponse xmlns="..."><Error><Type>Sender</Type><Code>InvalidParameterValue</Code>
 *     <Message>...</Message></Error><RequestId>uuid</RequestId></ErrorResponse>
 *
 * Form values are all strings: members CloudWatch types as integers or booleans are converted
 * by name, timestamps stay ISO 8601 strings (wire.ts reads them).
 */
import type { ServedRequest } from '../../http1/served.ts';
import { invalidParameter, malformedBody, type CloudWatchApiError } from '../api-error.ts';
import type { Members } from '../wire.ts';
import { mediaTypeOf, type CloudWatchProtocol, type DecodedCall, type EncodedAnswer } from './protocol.ts';

const XMLNS = 'http://monitoring.amazonaws.com/doc/2010-08-01/';
const VERSION = '2010-08-01';
const FORM = 'application/x-www-form-urlencoded';
/** Input members CloudWatch models as integers or booleans (docs/cloudwatch-protocols.md). */
const INTEGER_MEMBERS = new Set(['Period', 'MaxDatapoints']);
const BOOLEAN_MEMBERS = new Set(['ReturnData', 'IncludeLinkedAccounts']);
/** Input lists, which botocore sends empty as `Dimensions=` (serializeEmptyLists). */
const LIST_MEMBERS = new Set(['MetricDataQueries', 'Dimensions', 'Statistics', 'ExtendedStatistics', 'OwningAccounts']);
/** Output members modelled as maps, written as <entry><key/><value/></entry>. */
const MAP_MEMBERS = new Set(['ExtendedStatistics']);

type Tree = { [key: string]: Tree | string };

/** `A.member.2.B=x` -> { A: { member: { 2: { B: 'x' } } } }, then member maps become arrays. */
function nest(params: URLSearchParams): Members {
  const root: Tree = {};
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version') continue;
    const parts = key.split('.');
    let node = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const next = node[parts[i]];
      if (typeof next === 'string' || next === undefined) node[parts[i]] = {};
      node = node[parts[i]] as Tree;
    }
    node[parts[parts.length - 1]] = value;
  }
  return typed(root, '') as Members;
}

function typed(node: Tree | string, name: string): unknown {
  if (typeof node === 'string') {
    if (INTEGER_MEMBERS.has(name) && /^-?\d+$/.test(node)) return Number(node);
    if (BOOLEAN_MEMBERS.has(name) && (node === 'true' || node === 'false')) return node === 'true';
    return node === '' && LIST_MEMBERS.has(name) ? [] : node;
  }
  if (Object.hasOwn(node, 'member') && typeof node.member !== 'string') {
    const items = node.member;
    const indexes = Object.keys(items).map(Number).sort((a, b) => a - b);
    if (indexes.some((n) => !Number.isInteger(n) || n < 1)) throw invalidParameter(`The parameter ${name}.member must be numbered from 1.`);
    return indexes.map((n) => typed(items[String(n)], name));
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = typed(v, k);
  return out;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

function xmlOf(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (Array.isArray(value)) return `<${name}>${value.map((v) => xmlOf('member', v)).join('')}</${name}>`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    const inner = MAP_MEMBERS.has(name)
      ? entries.map(([k, v]) => `<entry><key>${escapeXml(k)}</key>${xmlOf('value', v)}</entry>`).join('')
      : entries.map(([k, v]) => xmlOf(k, v)).join('');
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

function xmlAnswer(status: number, requestId: string, xml: string): EncodedAnswer {
  return { status, headers: { 'x-amzn-RequestId': requestId, 'content-type': 'text/xml' }, body: `<?xml version="1.0" encoding="UTF-8"?>\n${xml}` };
}

export const QUERY_PROTOCOL: CloudWatchProtocol = {
  name: 'query',

  claims(req: ServedRequest): boolean {
    if (req.method === 'GET') return new URL(req.url ?? '/', 'http://localhost').searchParams.has('Action');
    return mediaTypeOf(req) === FORM;
  },

  decode(req: ServedRequest, body: Buffer): DecodedCall {
    const params = req.method === 'GET' ? new URL(req.url ?? '/', 'http://localhost').searchParams : new URLSearchParams(body.toString('utf8'));
    const version = params.get('Version');
    return {
      operation: params.get('Action') ?? '',
      readInput: () => {
        if (version !== null && version !== VERSION) throw invalidParameter(`The value ${JSON.stringify(version)} for parameter Version is not valid (expected ${VERSION}).`);
        try {
          return nest(params);
        } catch (err) {
          if ((err as { name?: string }).name === 'CloudWatchApiError') throw err;
          throw malformedBody(`The request's form parameters could not be read: ${(err as Error).message}`);
        }
      },
    };
  },

  encodeResult(operation: string, output: Members, requestId: string): EncodedAnswer {
    const result = Object.entries(output).map(([k, v]) => xmlOf(k, v)).join('');
    return xmlAnswer(200, requestId, `<${operation}Response xmlns="${XMLNS}"><${operation}Result>${result}</${operation}Result>`
      + `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`);
  },

  encodeError(e: CloudWatchApiError, requestId: string): EncodedAnswer {
    return xmlAnswer(e.httpStatus, requestId, `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${e.fault}</Type><Code>${escapeXml(e.queryCode)}</Code>`
      + `<Message>${escapeXml(e.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`);
  },
};
