// CustomResourceDefinition defaulting and validation (apiextensions.k8s.io/v1), the subset of
// kube-apiserver's checks that keeps a CRD servable: names, scope, exactly one storage version,
// a schema per version, printer columns with known types and parseable JSONPaths.
import type { StatusCause } from './errors';
import { JsonPathError, parseJsonPath } from './jsonpath';
import type { KObject } from './store';

export const CRD_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';
export const PRINTER_COLUMN_TYPES = ['integer', 'number', 'string', 'boolean', 'date'];

export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema?: { openAPIV3Schema?: unknown };
  subresources?: { status?: object; scale?: object };
  additionalPrinterColumns?: PrinterColumn[];
}

export interface CrdSpec {
  group: string;
  scope: 'Namespaced' | 'Cluster';
  names: { plural: string; singular?: string; kind: string; listKind?: string; shortNames?: string[]; categories?: string[] };
  versions: CrdVersion[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const KIND = /^[A-Za-z][A-Za-z0-9]*$/;

/** Defaulting on create and update; adds the cleanup finalizer on create (as kube does). */
export function prepareCrd(draft: KObject, old: KObject | undefined): void {
  const spec = (draft.spec ??= {}) as Partial<CrdSpec>;
  const names = (spec.names ??= {} as CrdSpec['names']);
  if (names.kind && !names.singular) names.singular = names.kind.toLowerCase();
  if (names.kind && !names.listKind) names.listKind = `${names.kind}List`;
  for (const v of spec.versions ?? []) for (const c of v.additionalPrinterColumns ?? []) c.priority ??= 0;
  (draft.spec as Record<string, unknown>).conversion ??= { strategy: 'None' };
  if (!old && !draft.metadata.deletionTimestamp) draft.metadata.finalizers = [...new Set([...(draft.metadata.finalizers ?? []), CRD_FINALIZER])];
}

export function validateCrd(obj: KObject, old: KObject | undefined): StatusCause[] {
  const out: StatusCause[] = [];
  const invalid = (field: string, value: unknown, why: string) => out.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(value)}: ${why}`, field });
  const required = (field: string) => out.push({ reason: 'FieldValueRequired', message: 'Required value', field });
  const spec = (obj.spec ?? {}) as Partial<CrdSpec>;
  const names = spec.names ?? ({} as Partial<CrdSpec['names']>);
  if (!spec.group) required('spec.group');
  else if (!spec.group.includes('.')) invalid('spec.group', spec.group, 'should be a domain with at least one dot');
  if (!names.plural) required('spec.names.plural');
  else if (!DNS_LABEL.test(names.plural)) invalid('spec.names.plural', names.plural, 'a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\'');
  if (!names.kind) required('spec.names.kind');
  else if (!KIND.test(names.kind)) invalid('spec.names.kind', names.kind, 'must be a valid kind name (letters and digits, starting with a letter)');
  if (names.plural && spec.group && obj.metadata.name !== `${names.plural}.${spec.group}`) {
    invalid('metadata.name', obj.metadata.name, 'must be spec.names.plural+"."+spec.group');
  }
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') out.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(spec.scope ?? '')}: supported values: "Cluster", "Namespaced"`, field: 'spec.scope' });
  const versions = spec.versions ?? [];
  if (versions.length === 0) required('spec.versions');
  if (versions.length > 0 && versions.filter((v) => v.storage).length !== 1) invalid('spec.versions', versions.map((v) => v.name), 'must have exactly one version marked as storage version');
  const seen = new Set<string>();
  versions.forEach((v, i) => {
    const at = `spec.versions[${i}]`;
    if (!v.name) required(`${at}.name`);
    else if (!DNS_LABEL.test(v.name)) invalid(`${at}.name`, v.name, 'a DNS-1035 label must consist of lower case alphanumeric characters or \'-\'');
    else if (seen.has(v.name)) out.push({ reason: 'FieldValueDuplicate', message: `Duplicate value: ${JSON.stringify(v.name)}`, field: `${at}.name` });
    seen.add(v.name);
    if (!v.schema?.openAPIV3Schema) out.push({ reason: 'FieldValueRequired', message: 'Required value: schemas are required', field: `${at}.schema.openAPIV3Schema` });
    (v.additionalPrinterColumns ?? []).forEach((c, j) => {
      const cat = `${at}.additionalPrinterColumns[${j}]`;
      if (!c.name) required(`${cat}.name`);
      if (!PRINTER_COLUMN_TYPES.includes(c.type)) out.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(c.type ?? '')}: supported values: ${PRINTER_COLUMN_TYPES.map((t) => `"${t}"`).join(', ')}`, field: `${cat}.type` });
      if (!c.jsonPath) required(`${cat}.JSONPath`);
      else {
        try {
          parseJsonPath(c.jsonPath);
        } catch (e) {
          if (!(e instanceof JsonPathError)) throw e;
          invalid(`${cat}.JSONPath`, c.jsonPath, e.message);
        }
      }
    });
  });
  const oldSpec = old?.spec as Partial<CrdSpec> | undefined;
  if (oldSpec && oldSpec.scope !== spec.scope) invalid('spec.scope', spec.scope, 'field is immutable');
  if (oldSpec && oldSpec.group !== spec.group) invalid('spec.group', spec.group, 'field is immutable');
  return out;
}
