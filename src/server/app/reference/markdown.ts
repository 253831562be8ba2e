/** Markdown pieces the reference documents share: tables, and JSON Schemas as field tables. */
import type { JsonSchema } from './openapi-document.js';

/** A cell's text: one line, pipes escaped. */
const cell = (text: string) => text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');

/** A table aligned as Prettier aligns it, so the generated files pass `prettier --check`. */
export function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows].map((row) => row.map(cell));
  const widths = header.map((_, i) => Math.max(3, ...all.map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    `| ${row.map((text, i) => text.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    line(all[0]!),
    line(widths.map((width) => '-'.repeat(width))),
    ...all.slice(1).map(line),
  ].join('\n');
}

/** A schema's type in a few words: `string`, `integer (1-1000)`, `"a" \| "b"`, `array of object`. */
export function typeOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches !== undefined) return branches.map(typeOf).join(' or ');
  const types = [schema.type ?? 'any']
    .flat()
    .filter((type) => type !== 'null' || schema.enum === undefined);
  const nullable = schema.nullable === true && !types.includes('null') ? ' or null' : '';
  if (schema.enum !== undefined) {
    return schema.enum.map((value) => JSON.stringify(value)).join(', ') + nullable;
  }
  const words = types.map((type) => {
    if (type === 'array') return `array of ${schema.items ? typeOf(schema.items) : 'any'}`;
    if (type === 'object' && schema.properties === undefined && schema.additionalProperties)
      return typeof schema.additionalProperties === 'object'
        ? `object of ${typeOf(schema.additionalProperties)}`
        : 'object';
    return type;
  });
  return words.join(' or ') + bounds(schema) + nullable;
}

function bounds(schema: JsonSchema): string {
  const parts: string[] = [];
  if (schema.minimum !== undefined || schema.maximum !== undefined)
    parts.push(`${schema.minimum ?? ''}..${schema.maximum ?? ''}`);
  if (schema.minLength !== undefined || schema.maxLength !== undefined)
    parts.push(`length ${schema.minLength ?? 0}..${schema.maxLength ?? ''}`);
  if (schema.format !== undefined) parts.push(schema.format);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

export interface FieldRow {
  path: string;
  type: string;
  required: boolean;
  description: string;
}

/** The schema's object members, nested ones as `a.b` and array items as `a[].b`. */
export function fieldsOf(schema: JsonSchema, prefix = '', depth = 0): FieldRow[] {
  const object = schema.type === 'array' && schema.items ? schema.items : schema;
  const properties = object.properties;
  if (properties === undefined || depth > 3) return [];
  const base = schema === object ? prefix : `${prefix}[]`;
  const required = new Set(object.required ?? []);
  return Object.entries(properties).flatMap(([name, member]) => {
    const path = base === '' ? name : `${base}.${name}`;
    return [
      {
        path,
        type: typeOf(member),
        required: required.has(name),
        description: describe(member),
      },
      ...fieldsOf(member, path, depth + 1),
    ];
  });
}

export function describe(schema: JsonSchema): string {
  const parts = [schema.description ?? ''];
  if (schema.default !== undefined) parts.push(`Default ${JSON.stringify(schema.default)}.`);
  return parts.filter((part) => part !== '').join(' ');
}

/** A field table, or the schema's type in words when it has no members. */
export function schemaTable(schema: JsonSchema): string {
  const items = schema.type === 'array' ? schema.items : undefined;
  const rows = fieldsOf(items ?? schema);
  if (rows.length === 0) {
    const words = describe(schema);
    return `\`${typeOf(schema)}\`${words === '' ? '' : `: ${words}`}`;
  }
  const intro = items !== undefined ? 'An array; each item:\n\n' : '';
  return (
    intro +
    table(
      ['field', 'type', 'required', 'description'],
      rows.map((row) => [
        `\`${row.path}\``,
        row.type,
        row.required ? 'yes' : 'no',
        row.description,
      ]),
    )
  );
}

/** A Markdown heading's anchor, as GitHub makes it. */
export function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');
}
