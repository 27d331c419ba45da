// Package jobs watches backups and other scheduled jobs like a dead man's
// switch (R-A9: backups of every system; R-C1: the data exchange platform's
// jobs). A job reports each run, by pushing it to POST
// /api/v1/jobs/{name}/runs with its own token, or by exposing its last run as
// JSON that the Service polls. The Service knows each job's schedule (cron in
// Asia/Shanghai, or "@every 1h") and raises an event when a run failed
// (作业失败), ran longer than max_duration (作业超时), or did not start within
// its slot and grace (作业未按时执行); a good run says so, which resolves them
// (rules/eventrules/packs/jobs.yml turns the events into alerts).
//
// Runs are kept in the state database (tables job_runs and job_watch, statestore migration 12), so a
// restart forgets neither the last run nor which slots were judged, and the
// monthly report reads its backup figures from them (Month).
//
// The push body and the polled JSON have one shape:
//
//	{"status": "success", "started_at": "2026-12-07T02:00:00+08:00",
//	 "finished_at": "2026-12-07T02:41:09+08:00", "bytes": 81604378624,
//	 "message": "full backup of oa-db"}
//
// status is success, failed or running (a run that has started: push it at
// the start so that a long run is 作业超时 at once rather than 未按时执行
// after it). Times are RFC 3339 or unix seconds; duration_seconds may stand
// for finished_at. See ParseReport for every rule. A backup script's last
// lines, with the token read from a file (never on the command line):
//
//	printf 'Authorization: Bearer %s\n' "$(cat /etc/swanwatch/oa-db-backup.token)" > "$H"
//	curl -fsS --retry 5 -H @"$H" -H 'Content-Type: application/json' \
//	  -d "{\"status\":\"$STATUS\",\"started_at\":$START,\"duration_seconds\":$DURATION,\"bytes\":$BYTES}" \
//	  https://swanwatch.example/api/v1/jobs/oa-db-backup/runs
//
// A result pushed again (a retry) is taken once. The answers are 200 (the run
// as kept), 400 with the reason, 401, 404 (no such job), 413 and 503.
package jobs
