package alerting

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/swanwatch/swanwatch/rules/alerting/outbox"
)

// DeliveryJournal writes what the outbox does with a notification on the
// timeline of every incident it carries: each attempt before its send
// (notify_attempt, 发送尝试), so a webhook that received a POST twice because
// the process died before marking it sent shows two attempts, and each
// result — notified (已通知), notify_retry (发送失败，待重试) or notify_failed
// (通知失败). It writes in the outbox's own transaction.
type DeliveryJournal struct{ incidents *Incidents }

var _ outbox.Journal = DeliveryJournal{}

// Deliveries is the outbox journal over this incident store.
func (s *Incidents) Deliveries() DeliveryJournal { return DeliveryJournal{incidents: s} }

// Attempted writes "第2次发送至 duty/webhook：【重要】…" before the send.
func (j DeliveryJournal) Attempted(ctx context.Context, tx *sql.Tx, a outbox.Attempt) error {
	return j.write(ctx, tx, a, "notify_attempt",
		fmt.Sprintf("第%d次发送至 %s：%s", a.Number, a.Channel, a.Notification.Title))
}

// Finished writes the attempt's result.
func (j DeliveryJournal) Finished(ctx context.Context, tx *sql.Tx, a outbox.Attempt) error {
	kind, detail := "notified", fmt.Sprintf("已发送至 %s（第%d次发送）：%s", a.Channel, a.Number, a.Notification.Title)
	switch {
	case a.Err != nil && a.Final:
		kind, detail = "notify_failed", fmt.Sprintf("发送至 %s 失败（第%d次发送），已放弃重试：%v", a.Channel, a.Number, a.Err)
	case a.Err != nil:
		kind, detail = "notify_retry", fmt.Sprintf("第%d次发送至 %s 失败，稍后重试：%v", a.Number, a.Channel, a.Err)
	}
	return j.write(ctx, tx, a, kind, detail)
}

func (j DeliveryJournal) write(ctx context.Context, tx *sql.Tx, a outbox.Attempt, kind, detail string) error {
	at := j.incidents.now()
	for _, id := range a.Notification.IncidentIDs() {
		if err := addTimeline(ctx, tx, id, at, kind, "system", detail); err != nil {
			return fmt.Errorf("note delivery on incident %d: %w", id, err)
		}
	}
	return nil
}
