import { describe, expect, it } from 'vitest';
import { Detector } from './detector.js';
import { loadRuleTexts } from './load-rules.js';
import type { SigmaEvent } from './sigma-types.js';

// The specification's complete example (sigma-correlation-rules-specification.md, "Failed Logins
// Followed by Successful Login"): two detection rules and two chained correlations in one file.
const bruteForce = `title: Correlation - Multiple Failed Logins Followed by Successful Login
id: b180ead8-d58f-40b2-ae54-c8940995b9b6
status: experimental
description: Detects multiple failed logins by a single user followed by a successful login of that user
references:
    - https://reference.com
author: Florian Roth (Nextron Systems)
date: 2023-06-16
correlation:
    type: temporal_ordered
    rules:
        - multiple_failed_login
        - successful_login
    group-by:
        - User
    timespan: 10m
falsepositives:
    - Unlikely
level: high
---
title: Multiple failed logons
id: a8418a5a-5fc4-46b5-b23b-6c73beb19d41
description: Detects multiple failed logins within a certain amount of time
name: multiple_failed_login
correlation:
    type: event_count
    rules:
        - failed_login
    group-by:
        - User
    timespan: 10m
    condition:
        gte: 10
---
title: Single failed login
id: 53ba33fd-3a50-4468-a5ef-c583635cfa92
name: failed_login
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID:
            - 529
            - 4625
    condition: selection
---
title: Successful login
id: 4d0a2c83-c62c-4ed4-b475-c7e23a9269b8
description: Detects a successful login
name: successful_login
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID:
            - 528
            - 4624
    condition: selection
`;

// An unrelated rule in another file, which no correlation references.
const processRule = `title: Whoami
id: 11111111-2222-4333-8444-555555555555
author: Test
level: low
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        Image|endswith: '\\\\whoami.exe'
    condition: selection
`;

const security = (EventID: number, User: string): SigmaEvent => ({ fields: { EventID, User }, logsource: { product: 'windows', service: 'security' } });
const MIN = 60_000;

function load(): Detector {
  const loaded = loadRuleTexts([
    { path: 'rules/mr_brute_force.yml', text: bruteForce },
    { path: 'rules/proc_whoami.yml', text: processRule },
  ]);
  expect(loaded.errors).toEqual([]);
  expect(loaded.correlations).toHaveLength(2);
  const detector = new Detector({ ruleSet: loaded.ruleSet, correlations: loaded.correlations });
  expect(detector.errors).toEqual([]);
  return detector;
}

describe('Detector over compiled rules and the specification example', () => {
  it('10 failed logons then a success of the same user within 10 minutes: one high alert, base rules silent', () => {
    const detector = load();
    const out = [];
    for (let i = 0; i < 10; i++) out.push(...detector.process(security(i % 2 ? 529 : 4625, 'alice'), i * 1000));
    out.push(...detector.process(security(4624, 'bob'), 20_000));
    expect(out).toEqual([]); // generate defaults to false: neither the base rules nor the inner correlation alert
    const d = detector.process(security(4624, 'alice'), 9000 + 10 * MIN - 1);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({
      kind: 'correlation',
      rule: { id: 'b180ead8-d58f-40b2-ae54-c8940995b9b6', level: 'high', author: 'Florian Roth (Nextron Systems)' },
      correlation: { type: 'temporal_ordered', groupBy: { User: 'alice' }, windowStart: 9000 },
    });
  });

  it('too few failures, the wrong order, or a success too late: no alert', () => {
    const detector = load();
    const all = [];
    for (let i = 0; i < 9; i++) all.push(...detector.process(security(4625, 'carol'), i));
    all.push(...detector.process(security(4624, 'carol'), 100));
    all.push(...detector.process(security(4624, 'dave'), 0));
    for (let i = 0; i < 10; i++) all.push(...detector.process(security(4625, 'dave'), 1000 + i));
    all.push(...detector.process(security(4624, 'dave'), 1009 + 10 * MIN));
    expect(all).toEqual([]);
  });

  it('rules no correlation references still alert on their own', () => {
    const detector = load();
    const d = detector.process({ fields: { Image: 'C:\\Windows\\System32\\whoami.exe' }, logsource: { product: 'windows', category: 'process_creation' } }, 0);
    expect(d.map((x) => [x.kind, x.rule.id])).toEqual([['rule', '11111111-2222-4333-8444-555555555555']]);
  });
});
