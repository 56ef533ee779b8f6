import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adjustedRandIndex, normalizedMutualInfo } from '../../../core/metrics/cluster-metrics.js';
import { createRng } from '../../../core/util/random.js';

const labels = (n: number, f: (i: number) => number): Int32Array => Int32Array.from({ length: n }, (_, i) => f(i));

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

// Reference values from scikit-learn 1.2.1, each printed by
//   /usr/bin/python3 -c "from sklearn.metrics import normalized_mutual_info_score as nmi, adjusted_rand_score as ari; a=A; b=B; print(repr(nmi(a,b)), repr(ari(a,b)))"
// with A and B the Python expressions given for each case.
const cases: { name: string; a: Int32Array; b: Int32Array; nmi: number; ari: number }[] = [
  {
    // A=[0,0,0,1,1,1,2,2,2,2]  B=[0,0,1,1,1,2,2,2,-1,-1]
    name: 'small, with −1 labels',
    a: Int32Array.of(0, 0, 0, 1, 1, 1, 2, 2, 2, 2),
    b: Int32Array.of(0, 0, 1, 1, 1, 2, 2, 2, -1, -1),
    nmi: 0.5759466679735676,
    ari: 0.23728813559322035,
  },
  {
    // A=[(i*7)%5 for i in range(200)]  B=[(i*i+3)%4-1 for i in range(200)]  (exactly independent)
    name: 'independent by construction',
    a: labels(200, (i) => (i * 7) % 5),
    b: labels(200, (i) => ((i * i + 3) % 4) - 1),
    nmi: 0.0,
    ari: -0.008105369807497468,
  },
  {
    // A=[i%97 for i in range(2000)]  B=[(i*13)%89 for i in range(2000)]
    name: 'many small clusters',
    a: labels(2000, (i) => i % 97),
    b: labels(2000, (i) => (i * 13) % 89),
    nmi: 0.3226190909736808,
    ari: -0.01036891314920342,
  },
  {
    // A=[i//30 for i in range(300)]  B=[(i//20)*1000-5 for i in range(300)]
    name: 'nested blocks with far-apart label values',
    a: labels(300, (i) => Math.floor(i / 30)),
    b: labels(300, (i) => Math.floor(i / 20) * 1000 - 5),
    nmi: 0.8268556425362547,
    ari: 0.6238993710691824,
  },
  {
    // A=[3]*6  B=[0,1,0,1,2,2]
    name: 'one labeling constant',
    a: Int32Array.of(3, 3, 3, 3, 3, 3),
    b: Int32Array.of(0, 1, 0, 1, 2, 2),
    nmi: 0.0,
    ari: 0.0,
  },
];

for (const c of cases) {
  test(`matches scikit-learn: ${c.name}`, () => {
    close(normalizedMutualInfo(c.a, c.b), c.nmi, 'NMI');
    close(adjustedRandIndex(c.a, c.b), c.ari, 'ARI');
    close(normalizedMutualInfo(c.b, c.a), c.nmi, 'NMI swapped');
    close(adjustedRandIndex(c.b, c.a), c.ari, 'ARI swapped');
  });
}

test('identical labelings and renamed labels score 1', () => {
  const rng = createRng(11);
  const a = labels(5000, () => rng.int(40) - 1);
  // A bijective renaming onto scattered values, negatives included.
  const renamed = a.map((v) => (v * 7919 + 13) * (v % 2 === 0 ? -1 : 1));
  for (const b of [a, renamed]) {
    close(normalizedMutualInfo(a, b), 1, 'NMI');
    close(adjustedRandIndex(a, b), 1, 'ARI');
  }
});

test('independent random labelings score about 0', () => {
  const rng = createRng(12);
  const a = labels(50_000, () => rng.int(10));
  const b = labels(50_000, () => rng.int(10));
  assert.ok(normalizedMutualInfo(a, b) < 0.002, `NMI ${normalizedMutualInfo(a, b)}`);
  assert.ok(Math.abs(adjustedRandIndex(a, b)) < 0.002, `ARI ${adjustedRandIndex(a, b)}`);
});

test('every row its own cluster on both sides: no dense k × k table needed', () => {
  // 200k × 200k dense counts would be 3.2e11 bytes; the sparse table holds 200k entries.
  const n = 200_000;
  const a = labels(n, (i) => i);
  const b = labels(n, (i) => n - i);
  close(normalizedMutualInfo(a, b), 1, 'NMI');
  close(adjustedRandIndex(a, b), 1, 'ARI');
});

test('degenerate inputs follow scikit-learn conventions', () => {
  const one = Int32Array.of(4, 4, 4);
  close(normalizedMutualInfo(one, Int32Array.of(-1, -1, -1)), 1, 'NMI one cluster each');
  close(adjustedRandIndex(one, Int32Array.of(-1, -1, -1)), 1, 'ARI one cluster each');
  close(normalizedMutualInfo(new Int32Array(0), new Int32Array(0)), 1, 'NMI empty');
  assert.throws(() => adjustedRandIndex(one, Int32Array.of(1, 2)), RangeError);
});
