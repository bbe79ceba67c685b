/**
 * The rulebook the KPI card last showed, kept in `meta` apart from the rulebook in use: a
 * new rulebook (a sync's, an enrolment's) replaces the one in use and leaves this one, so
 * the card can compare the colours the two give and say a change came from the rules.
 */
import { describe, expect, it } from 'vitest';
import { defaultRulebook, rulebookSchema } from '../../src/domain';
import { getRulebook, getSeenRulebook, setRulebook, setSeenRulebook } from '../../src/device';
import { freshDb } from './helpers';

const next = rulebookSchema.parse({ ...structuredClone(defaultRulebook), id: 'perkiraan-2026.2', green: { ...defaultRulebook.green, threshold: 90 } });

describe('the rulebook the card last showed', () => {
  it('is none on a new phone', async () => {
    const { db } = freshDb();
    expect(await getSeenRulebook(db)).toBeNull();
  });

  it('is kept whole, and stays when a new rulebook comes into use', async () => {
    const { db } = freshDb();
    await setSeenRulebook(db, defaultRulebook);
    await setRulebook(db, next);
    expect(await getRulebook(db)).toEqual(next);
    expect(await getSeenRulebook(db)).toEqual(defaultRulebook);
    await setSeenRulebook(db, next);
    expect(await getSeenRulebook(db)).toEqual(next);
  });

  it('reads as none when its row is damaged, never as a crash', async () => {
    const { db } = freshDb();
    await db.meta.put({ key: 'rulebookSeen', value: { id: 'rusak' } });
    expect(await getSeenRulebook(db)).toBeNull();
  });
});
