package logstore

import "github.com/VictoriaMetrics/metrics"

// Own metrics of the log store. Label values are fixed sets (reason, kind), never a
// target or a label value of an event, so the series count stays bounded.
var (
	eventsAppended  = metrics.GetOrCreateCounter(`swanwatch_logstore_events_appended_total`)
	bytesWritten    = metrics.GetOrCreateCounter(`swanwatch_logstore_written_bytes_total`)
	diskBytes       = metrics.GetOrCreateGauge(`swanwatch_logstore_disk_bytes`, nil)
	tornRecords     = metrics.GetOrCreateCounter(`swanwatch_logstore_torn_records_total`)
	orphanEvents    = metrics.GetOrCreateCounter(`swanwatch_logstore_orphan_events_total`)
	daysDeletedAge  = metrics.GetOrCreateCounter(`swanwatch_logstore_days_deleted_total{reason="age"}`)
	daysDeletedSize = metrics.GetOrCreateCounter(`swanwatch_logstore_days_deleted_total{reason="size"}`)
	daysKept        = metrics.GetOrCreateGauge(`swanwatch_logstore_days`, nil)
	daysCompacted   = metrics.GetOrCreateCounter(`swanwatch_logstore_days_compacted_total`)
	compactFailed   = metrics.GetOrCreateCounter(`swanwatch_logstore_compaction_errors_total`)
	blocksSkipped   = metrics.GetOrCreateCounter(`swanwatch_logstore_query_skipped_blocks_total`)

	queriesTotal     = metrics.GetOrCreateCounter(`swanwatch_logstore_queries_total`)
	queryBadData     = metrics.GetOrCreateCounter(`swanwatch_logstore_query_errors_total{kind="bad_data"}`)
	queryInternal    = metrics.GetOrCreateCounter(`swanwatch_logstore_query_errors_total{kind="internal"}`)
	queryScanned     = metrics.GetOrCreateCounter(`swanwatch_logstore_query_scanned_events_total`)
	spoolWriteErrors = metrics.GetOrCreateCounter(`swanwatch_logstore_spool_write_errors_total`)

	lokiSentEntries  = metrics.GetOrCreateCounter(`swanwatch_logstore_loki_sent_entries_total`)
	lokiSentBatches  = metrics.GetOrCreateCounter(`swanwatch_logstore_loki_sent_batches_total`)
	lokiFailed5xx    = metrics.GetOrCreateCounter(`swanwatch_logstore_loki_failed_requests_total{reason="5xx"}`)
	lokiFailed429    = metrics.GetOrCreateCounter(`swanwatch_logstore_loki_failed_requests_total{reason="429"}`)
	lokiFailedNet    = metrics.GetOrCreateCounter(`swanwatch_logstore_loki_failed_requests_total{reason="network"}`)
	lokiDropped4xx   = metrics.GetOrCreateCounter(`swanwatch_logstore_loki_dropped_entries_total{reason="4xx"}`)
	lokiDroppedFull  = metrics.GetOrCreateCounter(`swanwatch_logstore_loki_dropped_entries_total{reason="spool_full"}`)
	lokiDroppedTorn  = metrics.GetOrCreateCounter(`swanwatch_logstore_loki_dropped_entries_total{reason="corrupt_spool"}`)
	lokiSpoolBytes   = metrics.GetOrCreateGauge(`swanwatch_logstore_loki_spool_bytes`, nil)
	lokiPendingBytes = metrics.GetOrCreateGauge(`swanwatch_logstore_loki_pending_bytes`, nil)
)

// queryPartial counts searches cut short by a bound: scan_budget or timeout.
func queryPartial(reason string) *metrics.Counter {
	if reason != "scan_budget" {
		reason = "timeout"
	}
	return metrics.GetOrCreateCounter(`swanwatch_logstore_query_partial_total{reason="` + reason + `"}`)
}

// rejected counts events refused by Append, by reason.
func rejected(reason string) *metrics.Counter {
	switch reason {
	case "labels", "text", "out_of_range":
	default:
		reason = "other"
	}
	return metrics.GetOrCreateCounter(`swanwatch_logstore_events_rejected_total{reason="` + reason + `"}`)
}
