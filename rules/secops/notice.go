package secops

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/cst"
)

// The response clock of a regulator's notice (R-A12: answered within 24
// hours), and the one warning before it (see the package comment for why
// one, at 20 hours).
const (
	ResponseDue  = 24 * time.Hour
	ResponseWarn = 20 * time.Hour
)

// Bounds of a notice's fields, in runes.
const (
	maxTitle   = 200
	maxIssuer  = 100
	maxText    = 20000
	maxSystems = 50
	maxSystem  = 100
)

// Notice is a regulator's notice (通报) and its response.
type Notice struct {
	ID          int64     `json:"id"`
	Title       string    `json:"title"`
	Issuer      string    `json:"issuer"` // 省网信办, 市公安局网安支队 …
	ReceivedAt  time.Time `json:"received_at"`
	Text        string    `json:"text"`
	Systems     []string  `json:"systems"` // affected systems
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
	DueAt       time.Time `json:"due_at"` // received + 24 h
	Answered    bool      `json:"answered"`
	RespondedAt time.Time `json:"responded_at,omitzero"`
	Response    string    `json:"response,omitempty"`
	RespondedBy string    `json:"responded_by,omitempty"`
	// ResponseSeconds is from received to responded, or so far when unanswered.
	ResponseSeconds int64  `json:"response_seconds"`
	Late            bool   `json:"late"`       // answered after 24 h, or unanswered past it
	StateWord       string `json:"state_word"` // 待答复 | 已答复 | 超时未答复 | 已超时答复
}

// NewNotice is a notice as an operator records it.
type NewNotice struct {
	Title      string    `json:"title"`
	Issuer     string    `json:"issuer"`
	ReceivedAt time.Time `json:"received_at"`
	Text       string    `json:"text"`
	Systems    []string  `json:"systems"`
}

// check trims and bounds a new notice; the received time may not lie ahead.
func (n *NewNotice) check(now time.Time) error {
	n.Title, n.Issuer, n.Text = strings.TrimSpace(n.Title), strings.TrimSpace(n.Issuer), strings.TrimSpace(n.Text)
	var systems []string
	for _, s := range n.Systems {
		if s = strings.TrimSpace(s); s != "" {
			systems = append(systems, s)
		}
	}
	n.Systems = systems
	switch {
	case n.Title == "" || n.Issuer == "" || n.Text == "":
		return badInput("通报须有标题（title）、发文单位（issuer）和内容（text）")
	case n.ReceivedAt.IsZero():
		return badInput("须填写收到时间（received_at，RFC 3339，如 2026-12-07T09:30:00+08:00）")
	case n.ReceivedAt.After(now.Add(5 * time.Minute)):
		return badInput("收到时间晚于当前时间")
	case n.ReceivedAt.Before(earliest):
		return badInput("收到时间早于 2000 年，请核对")
	case utf8.RuneCountInString(n.Title) > maxTitle, utf8.RuneCountInString(n.Issuer) > maxIssuer,
		utf8.RuneCountInString(n.Text) > maxText:
		return badInput("标题不超过 %d 字，发文单位不超过 %d 字，内容不超过 %d 字", maxTitle, maxIssuer, maxText)
	case len(n.Systems) > maxSystems:
		return badInput("涉及系统不超过 %d 个", maxSystems)
	}
	for _, s := range n.Systems {
		if utf8.RuneCountInString(s) > maxSystem || strings.ContainsAny(s, "\n\r") {
			return badInput("涉及系统名称不超过 %d 字且不能换行", maxSystem)
		}
	}
	return nil
}

const noticeColumns = `id, title, issuer, received_at, text, systems, created_by, created_at, responded_at, response,
	responded_by`

func scanNotice(row interface{ Scan(...any) error }, now time.Time) (Notice, error) {
	var n Notice
	var systems string
	var received, created, responded int64
	err := row.Scan(&n.ID, &n.Title, &n.Issuer, &received, &n.Text, &systems, &n.CreatedBy, &created, &responded,
		&n.Response, &n.RespondedBy)
	n.Systems = []string{}
	if systems != "" {
		n.Systems = strings.Split(systems, "\n")
	}
	n.ReceivedAt, n.CreatedAt, n.RespondedAt = fromMillis(received), fromMillis(created), fromMillis(responded)
	n.finish(now)
	return n, err
}

// finish sets the clock's figures as of now.
func (n *Notice) finish(now time.Time) {
	n.DueAt = n.ReceivedAt.Add(ResponseDue)
	n.Answered = !n.RespondedAt.IsZero()
	end := now
	if n.Answered {
		end = n.RespondedAt
	}
	n.ResponseSeconds = int64(end.Sub(n.ReceivedAt) / time.Second)
	n.Late = end.Sub(n.ReceivedAt) > ResponseDue
	switch {
	case n.Answered && n.Late:
		n.StateWord = "已超时答复"
	case n.Answered:
		n.StateWord = "已答复"
	case n.Late:
		n.StateWord = "超时未答复"
	default:
		n.StateWord = "待答复"
	}
}

// Took is the notice's response time (or its age while unanswered).
func (n Notice) Took() time.Duration { return time.Duration(n.ResponseSeconds) * time.Second }

// CreateNotice records a notice; its clock runs from its received time, so a
// notice recorded late is as late as it is (Check raises it at once).
func (s *Service) CreateNotice(ctx context.Context, in NewNotice, user string) (Notice, error) {
	now := s.now()
	if err := in.check(now); err != nil {
		return Notice{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	res, err := s.db.ExecContext(ctx, `INSERT INTO secops_notices (title, issuer, received_at, text, systems, created_by,
		created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, in.Title, in.Issuer, in.ReceivedAt.UnixMilli(), in.Text,
		strings.Join(in.Systems, "\n"), user, now.UnixMilli())
	if err != nil {
		return Notice{}, fmt.Errorf("record the notice: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return Notice{}, fmt.Errorf("record the notice: %w", err)
	}
	return s.Notice(ctx, id)
}

// Notice returns one notice; ErrNotFound when there is none.
func (s *Service) Notice(ctx context.Context, id int64) (Notice, error) {
	n, err := scanNotice(s.db.QueryRowContext(ctx, `SELECT `+noticeColumns+` FROM secops_notices WHERE id = ?`, id), s.now())
	if errors.Is(err, sql.ErrNoRows) {
		return n, fmt.Errorf("%w（通报编号 %d）", ErrNotFound, id)
	}
	return n, err
}

// Notices lists the notices, the latest received first; unanswered only
// when open is set.
func (s *Service) Notices(ctx context.Context, open bool) ([]Notice, error) {
	q := `SELECT ` + noticeColumns + ` FROM secops_notices`
	if open {
		q += ` WHERE responded_at = 0`
	}
	return s.queryNotices(ctx, s.now(), q+fmt.Sprintf(` ORDER BY received_at DESC, id DESC LIMIT %d`, maxListed))
}

func (s *Service) queryNotices(ctx context.Context, now time.Time, q string, args ...any) ([]Notice, error) {
	return queryAll(ctx, s.db, "notices", func(r *sql.Rows) (Notice, error) { return scanNotice(r, now) }, q, args...)
}

// Respond records the response to a notice, which stops its clock and
// resolves its warning and incident. A notice is answered once.
func (s *Service) Respond(ctx context.Context, id int64, text, user string) (Notice, error) {
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > maxText {
		return Notice{}, badInput("答复内容（text）不能为空，且不超过 %d 字", maxText)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	res, err := s.db.ExecContext(ctx, `UPDATE secops_notices SET responded_at = ?, response = ?, responded_by = ?
		WHERE id = ? AND responded_at = 0`, now.UnixMilli(), text, user, id)
	if err != nil {
		return Notice{}, fmt.Errorf("record the response: %w", err)
	}
	n, err := s.Notice(ctx, id)
	if err != nil {
		return n, err
	}
	if k, _ := res.RowsAffected(); k != 1 {
		return n, badChange("该通报已于 %s 由 %s 答复", cst.FormatTime(n.RespondedAt), n.RespondedBy)
	}
	s.send(ctx, []collectors.Event{noticeEvent(n, EventNoticeAnswered, now)})
	return n, nil
}

// checkNotices raises the 20-hour warning and the 24-hour incident of each
// unanswered notice, once each; a notice already past 24 hours gets no
// warning.
func (s *Service) checkNotices(ctx context.Context, now time.Time) ([]collectors.Event, error) {
	ns, err := s.queryNotices(ctx, now, `SELECT `+noticeColumns+` FROM secops_notices WHERE responded_at = 0
		AND ((warned = 0 AND received_at <= ?) OR (overdue = 0 AND received_at <= ?)) ORDER BY received_at`,
		now.Add(-ResponseWarn).UnixMilli(), now.Add(-ResponseDue).UnixMilli())
	if err != nil || len(ns) == 0 {
		return nil, err
	}
	var evs []collectors.Event
	err = s.tx(ctx, func(tx *sql.Tx) error {
		for _, n := range ns {
			ev := EventNoticeDueSoon
			if now.Sub(n.ReceivedAt) >= ResponseDue {
				ev = EventNoticeOverdue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE secops_notices SET warned = 1, overdue = overdue OR ? WHERE id = ?`,
				ev == EventNoticeOverdue, n.ID); err != nil {
				return err
			}
			evs = append(evs, noticeEvent(n, ev, now))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("mark notices: %w", err)
	}
	return evs, nil
}
