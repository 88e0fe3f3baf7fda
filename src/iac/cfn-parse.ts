/**
 * Reads a CloudFormation / SAM template, YAML or JSON, with the short-form intrinsic tags
 * (`!Ref`, `!Sub`, `!GetAtt A.B`, `!Join`, ...) turned into their long forms (`{Ref: ...}`,
 * `{"Fn::Sub": ...}`, `{"Fn::GetAtt": ["A", "B"]}`), so one resolver (intrinsics.ts) reads both.
 */
import { parse, type ScalarTag, type CollectionTag, YAMLMap, YAMLSeq } from 'yaml';
import { UsageError } from '../errors.ts';

const FUNCTIONS = ['Base64', 'Cidr', 'FindInMap', 'GetAtt', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'Transform', 'And', 'Equals', 'If', 'Not', 'Or', 'ToJsonString', 'Length'];

function longForm(name: string, value: unknown): Record<string, unknown> {
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${name}`]: value };
}

const TAGS: (ScalarTag | CollectionTag)[] = [
  { tag: '!Ref', resolve: (s: string) => ({ Ref: s }) },
  { tag: '!Condition', resolve: (s: string) => ({ Condition: s }) },
  ...FUNCTIONS.flatMap((f): (ScalarTag | CollectionTag)[] => [
    { tag: `!${f}`, resolve: (s: string) => longForm(f, s) },
    { tag: `!${f}`, collection: 'seq', resolve: (s) => longForm(f, (s as YAMLSeq).toJSON()) } as CollectionTag,
    { tag: `!${f}`, collection: 'map', resolve: (m) => longForm(f, (m as YAMLMap).toJSON()) } as CollectionTag,
  ]),
];

/** Parses template text (YAML, of which JSON is a subset); one-line UsageError on bad syntax. */
export function parseTemplateText(text: string, file: string): unknown {
  try {
    return parse(text, { customTags: TAGS, maxAliasCount: 100, prettyErrors: false });
  } catch (err) {
    throw new UsageError(`${file}: not valid YAML or JSON (${(err as Error).message.split('\n')[0]})`, { file });
  }
}
