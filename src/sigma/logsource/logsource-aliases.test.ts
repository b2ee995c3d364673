import { describe, expect, it } from 'vitest';
import { logsourceMatches, ruleCategoriesFor, ruleServicesFor } from './logsource-aliases.js';

const sysmonSet = { product: 'windows', service: 'sysmon', category: 'registry_set' };

describe('logsourceMatches', () => {
  it('treats fields the rule leaves out as wildcards', () => {
    expect(logsourceMatches({}, sysmonSet)).toBe(true);
    expect(logsourceMatches({ product: 'windows' }, sysmonSet)).toBe(true);
    expect(logsourceMatches({ product: 'windows', service: 'sysmon' }, sysmonSet)).toBe(true);
  });

  it('requires every field the rule sets', () => {
    expect(logsourceMatches({ product: 'linux' }, sysmonSet)).toBe(false);
    expect(logsourceMatches({ product: 'windows', category: 'process_creation' }, sysmonSet)).toBe(false);
    expect(logsourceMatches({ product: 'windows', service: 'security' }, sysmonSet)).toBe(false);
    expect(logsourceMatches({ product: 'windows', category: 'registry_set' }, { product: 'windows', service: 'sysmon' })).toBe(false);
  });

  it('lets registry_event rules see the specific registry categories, not the reverse', () => {
    for (const category of ['registry_add', 'registry_delete', 'registry_set', 'registry_rename']) {
      expect(logsourceMatches({ product: 'windows', category: 'registry_event' }, { product: 'windows', category })).toBe(true);
    }
    expect(logsourceMatches({ product: 'windows', category: 'registry_set' }, { product: 'windows', category: 'registry_event' })).toBe(false);
    expect(logsourceMatches({ product: 'windows', category: 'registry_event' }, { product: 'windows', category: 'file_event' })).toBe(false);
  });

  it('lets add/delete rules see a Sysmon 12 that lost its EventType, and file_delete rules see Sysmon 26', () => {
    expect(logsourceMatches({ category: 'registry_add' }, { product: 'windows', category: 'registry_event' })).toBe(true);
    expect(logsourceMatches({ category: 'registry_delete' }, { product: 'windows', category: 'registry_event' })).toBe(true);
    expect(logsourceMatches({ category: 'registry_add' }, { product: 'windows', category: 'registry_delete' })).toBe(false);
    expect(logsourceMatches({ category: 'file_delete' }, { product: 'windows', category: 'file_delete_detected' })).toBe(true);
    expect(logsourceMatches({ category: 'file_delete_detected' }, { product: 'windows', category: 'file_delete' })).toBe(false);
  });

  it('accepts the taxonomy and pySigma spellings of a service', () => {
    expect(logsourceMatches({ service: 'servicebus-client' }, { product: 'windows', service: 'microsoft-servicebus-client' })).toBe(true);
    expect(logsourceMatches({ service: 'ldap_debug' }, { product: 'windows', service: 'ldap' })).toBe(true);
  });
});

describe('ruleCategoriesFor / ruleServicesFor', () => {
  it('lists the event category and the categories that alias it', () => {
    expect(ruleCategoriesFor('registry_set')).toEqual(['registry_set', 'registry_event']);
    expect(ruleCategoriesFor('registry_event')).toEqual(['registry_event', 'registry_add', 'registry_delete']);
    expect(ruleCategoriesFor('file_delete_detected')).toEqual(['file_delete_detected', 'file_delete']);
    expect(ruleCategoriesFor('process_creation')).toEqual(['process_creation']);
  });

  it('lists the event service and its other spellings', () => {
    expect(ruleServicesFor('ldap')).toEqual(['ldap', 'ldap_debug']);
    expect(ruleServicesFor('sysmon')).toEqual(['sysmon']);
  });
});
