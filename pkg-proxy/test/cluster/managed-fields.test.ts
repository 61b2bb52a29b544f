import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { withoutManagedFields } from '../../src/cluster/managed-fields.ts';

// As the API server writes them: field-set keys hold quotes, braces and brackets inside strings.
const MANAGED = [
  {
    manager: 'kubelet',
    operation: 'Update',
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:status': { 'f:conditions': { 'k:{"type":"Ready"}': { '.': {}, 'f:status': {} } } } },
    subresource: 'status',
  },
  { manager: 'odd ] } [ { \\ "', operation: 'Apply', fieldsV1: { 'f:metadata': { 'f:labels': {} } } },
];

const pod = (name: string, metadata: Record<string, unknown> = {}) => ({
  metadata: { name, namespace: 'shop', ...metadata },
  spec: { containers: [{ name: 'app', image: 'app:1' }] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
});

/** JSON.parse of the cut text equals the object without managedFields. */
function assertCut(object: unknown, expected: unknown) {
  const text = JSON.stringify(object);
  assert.deepEqual(JSON.parse(withoutManagedFields(text)), expected);
}

describe('withoutManagedFields', () => {
  test('between other members, first and last in metadata', () => {
    assertCut(
      pod('a', { uid: 'u', managedFields: MANAGED, labels: { app: 'a' } }),
      pod('a', { uid: 'u', labels: { app: 'a' } })
    );
    assertCut({ metadata: { managedFields: MANAGED, name: 'a' } }, { metadata: { name: 'a' } });
    assertCut({ metadata: { name: 'a', managedFields: MANAGED } }, { metadata: { name: 'a' } });
    assertCut({ metadata: { managedFields: MANAGED } }, { metadata: {} });
    assertCut({ metadata: { name: 'a', managedFields: [] } }, { metadata: { name: 'a' } });
  });

  test('every item of a list page, and a watch event', () => {
    const items = Array.from({ length: 5 }, (_, i) => pod(`p${i}`, { managedFields: MANAGED }));
    assertCut(
      { kind: 'PodList', metadata: { resourceVersion: '7' }, items },
      { kind: 'PodList', metadata: { resourceVersion: '7' }, items: items.map((_, i) => pod(`p${i}`)) }
    );
    assertCut(
      { type: 'MODIFIED', object: pod('a', { managedFields: MANAGED }) },
      { type: 'MODIFIED', object: pod('a') }
    );
  });

  test('text that only looks like the member is kept', () => {
    const quoted = pod('a', { annotations: { note: '"managedFields":[1,2]', other: ',"managedFields":[' } });
    assertCut(quoted, quoted);
    const text = JSON.stringify(pod('a', { managedFields: MANAGED }));
    assert.equal(
      withoutManagedFields(text.slice(0, text.indexOf('"subresource"'))),
      text.slice(0, text.indexOf('"subresource"'))
    );
    assert.equal(withoutManagedFields('{"items":[]}'), '{"items":[]}');
  });
});
