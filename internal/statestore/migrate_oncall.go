package statestore

// oncallMigrations are the steps of the on-call engineer's phone (issue 14:
// paging a person, voice calls, acknowledging from the message), from version 17.
var oncallMigrations = []migration{
	{17, "paging a person", `
-- hurry_at: the next escalation page is due at this time (unix ms) when it is
-- earlier than the policy's schedule: a voice call nobody answered moves the
-- escalation on at once. 0: the schedule alone.
ALTER TABLE incidents ADD COLUMN hurry_at INTEGER NOT NULL DEFAULT 0;
-- assignee: the roster person the incident was handed over to (转派).
ALTER TABLE incidents ADD COLUMN assignee TEXT NOT NULL DEFAULT '';
-- One row per person per page: who was paged for which incident, by which
-- channels. An SMS reply "1" acknowledges the sender's latest open incident
-- paged to that phone; the 我的值班 page lists a person's open incidents.
CREATE TABLE incident_pages (
	incident_id INTEGER NOT NULL REFERENCES incidents(id),
	step        INTEGER NOT NULL,             -- escalation page, 1-based; 0 for a handover
	person      TEXT    NOT NULL,
	phone       TEXT    NOT NULL DEFAULT '',
	channels    TEXT    NOT NULL,             -- comma-separated receiver names
	at          INTEGER NOT NULL,             -- unix ms
	-- held_until: the page waits for the person's quiet hours or digest
	-- period to end (unix ms); 0 once it went out (or was never held).
	held_until  INTEGER NOT NULL DEFAULT 0,
	reason      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX incident_pages_held ON incident_pages (held_until) WHERE held_until != 0;
CREATE INDEX incident_pages_person ON incident_pages (person, at);
CREATE INDEX incident_pages_phone ON incident_pages (phone, at);
CREATE INDEX incident_pages_incident ON incident_pages (incident_id);
`},
}
