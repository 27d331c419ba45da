package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/swanwatch/swanwatch/internal/app"
	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/internal/storage"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// cmdLedger closes and freezes the SLA ledger (SLA台账) of a server that is
// not running, from its data directory, exactly as the server's closer would
// (issue 15: a past month of a server that never closed it stays 临时报告):
//
//	swanwatch ledger close  --config FILE --month YYYY-MM
//	swanwatch ledger freeze --config FILE --month YYYY-MM
//	swanwatch ledger status --config FILE [--month YYYY-MM]
//
// close and freeze open the TSDB, whose lock refuses them while a server
// runs on it; status only reads the state store, which is safe beside it.
func cmdLedger(ctx context.Context, args []string, cio cmdIO) error {
	if len(args) == 0 || !slices.Contains([]string{"close", "freeze", "status"}, args[0]) {
		return errUsage
	}
	fs := newFlags("ledger "+args[0], cio)
	file := fs.String("config", "", "configuration file of the server (stopped, for close and freeze)")
	month := fs.String("month", "", "the month, YYYY-MM (Asia/Shanghai)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *file == "" || (*month == "" && args[0] != "status") {
		return fmt.Errorf("--config and --month are required: %w", errUsage)
	}
	if *month != "" {
		if _, err := sla.ParseMonth(*month); err != nil {
			return fmt.Errorf("--month %q: 月份格式应为 YYYY-MM", *month)
		}
	}
	cfg, err := config.Load(*file)
	if err != nil {
		printProblems(cio, err)
		return fmt.Errorf("configuration %s is not valid", *file)
	}
	if err := dataExists(cfg); err != nil {
		return err
	}
	switch args[0] {
	case "close":
		return withLedger(cfg, func(l *app.LocalLedger) error { return ledgerClose(ctx, cio, l, *file, *month) })
	case "freeze":
		return withLedger(cfg, func(l *app.LocalLedger) error { return ledgerFreeze(ctx, cio, l, *file, *month) })
	case "status":
		return ledgerStatus(ctx, cio, cfg, *month)
	}
	return fmt.Errorf("unknown ledger command %q: %w", args[0], errUsage)
}

// dataExists refuses a data directory without its TSDB or state store:
// opening would create empty ones, and a month closed from no data would
// become a frozen month of 无数据.
func dataExists(cfg *config.Config) error {
	for _, p := range []string{cfg.Storage.TSDBDir(), cfg.Storage.StateFile()} {
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("数据目录 %s 中没有 %s（storage.path 是否指向服务器的数据目录？）: %w",
				cfg.Storage.Path, filepath.Base(p), err)
		}
	}
	return nil
}

// withLedger runs fn on the data directory's ledger, refusing in plain
// words while a server holds it: two writers would race on the same days.
func withLedger(cfg *config.Config, fn func(*app.LocalLedger) error) error {
	l, err := app.OpenLedger(cfg)
	if errors.Is(err, storage.ErrInUse) {
		return fmt.Errorf("服务器正在运行（数据目录 %s 已被占用），不能离线关账或冻结：请停止服务器后再试；"+
			"运行中的服务器会在每天 00:10 自行关账、宽限期后自行冻结: %w", cfg.Storage.Path, err)
	}
	if err != nil {
		return fmt.Errorf("打开数据目录 %s: %w", cfg.Storage.Path, err)
	}
	return errors.Join(fn(l), l.Close())
}

func ledgerClose(ctx context.Context, cio cmdIO, l *app.LocalLedger, file, month string) error {
	res, err := l.Closer.CloseMonth(ctx, month)
	if res.Frozen {
		fmt.Fprintf(cio.out, "%s 已冻结，不再关账（迟到的数据请作为更正说明附在月报中）。\n", month)
		return err
	}
	w := cio.out
	fmt.Fprintf(w, "%s 关账：本次关账 %d 天%s\n", month, len(res.Closed), dateList(res.Closed))
	if len(res.AlreadyClosed) > 0 {
		fmt.Fprintf(w, "此前已关账、未改动 %d 天%s\n", len(res.AlreadyClosed), dateList(res.AlreadyClosed))
	}
	if len(res.NotOver) > 0 {
		fmt.Fprintf(w, "尚未结束、未关账 %d 天%s\n", len(res.NotOver), dateList(res.NotOver))
	}
	printDaySums(w, res.Sums)
	if err != nil {
		return fmt.Errorf("部分日期关账失败: %w", err)
	}
	sum, serr := l.Closer.MonthSum(ctx, month)
	if serr != nil {
		fmt.Fprintf(w, "本月尚有日期未关账，状态：临时。\n")
		return nil
	}
	fmt.Fprintf(w, "本月各日均已关账，状态：临时。冻结后的月校验和（SHA-256）将为 %s\n", sum)
	fmt.Fprintf(w, "冻结（宽限期结束后）：swanwatch ledger freeze --config %s --month %s\n", file, month)
	return nil
}

func ledgerFreeze(ctx context.Context, cio cmdIO, l *app.LocalLedger, file, month string) error {
	m, already, err := l.Closer.FreezeMonth(ctx, month)
	switch {
	case errors.Is(err, sla.ErrDaysMissing):
		return fmt.Errorf("%s 尚有日期未关账，不能冻结（先运行 swanwatch ledger close）: %w", month, err)
	case errors.Is(err, sla.ErrMonthNotOver):
		return fmt.Errorf("%s 尚未结束，不能冻结: %w", month, err)
	case errors.Is(err, sla.ErrGraceNotOver):
		return fmt.Errorf("%s 的宽限期（月末后 %s）尚未结束，不能冻结: %w", month, l.Ledger.Grace(), err)
	case err != nil:
		return fmt.Errorf("冻结 %s 失败: %w", month, err)
	}
	verb := "已冻结"
	if already {
		verb = "此前已冻结，未改动"
	}
	fmt.Fprintf(cio.out, "%s %s（冻结时间 %s，告警事件 %d 起）\n月校验和（SHA-256）：%s\n",
		month, verb, cst.FormatTime(m.FrozenAt), len(m.Incidents), m.InputSHA256)
	if !already {
		// The server's freeze hook issues and announces the final report;
		// offline nothing is sent, so say how to get it.
		fmt.Fprintf(cio.out, "离线冻结不发送月报通知；正式月报：swanwatch report --config %s --month %s\n", file, month)
	}
	return nil
}

// ledgerStatus lists the months of the ledger, or one month with its days.
func ledgerStatus(ctx context.Context, cio cmdIO, cfg *config.Config, month string) error {
	ledger, db, err := app.OpenLedgerState(cfg)
	if err != nil {
		return fmt.Errorf("打开状态库 %s: %w", cfg.Storage.StateFile(), err)
	}
	defer db.Close()
	months, err := ledger.Months(ctx)
	if err != nil {
		return err
	}
	found := false
	for _, m := range months {
		if month != "" && m.Month != month {
			continue
		}
		found = true
		fmt.Fprintln(cio.out, monthLine(m))
	}
	if month == "" {
		if !found {
			fmt.Fprintln(cio.out, "台账中还没有关账的日期。")
		}
		return nil
	}
	if !found {
		fmt.Fprintf(cio.out, "%s 临时  已关账 0 天\n", month)
	}
	sums, err := ledger.DaySums(ctx, month)
	if err == nil {
		printDaySums(cio.out, sums)
	}
	return err
}

func monthLine(m sla.MonthState) string {
	if m.InputSHA256 != "" {
		return fmt.Sprintf("%s 已冻结  已关账 %d/%d 天  冻结于 %s  校验和 %s", m.Month, m.ClosedDays, m.Days,
			cst.FormatTime(m.FrozenAt), m.InputSHA256)
	}
	return fmt.Sprintf("%s 临时    已关账 %d/%d 天", m.Month, m.ClosedDays, m.Days)
}

// printDaySums prints each closed date's checksum in date order.
func printDaySums(w io.Writer, sums map[string]string) {
	if len(sums) == 0 {
		return
	}
	dates := make([]string, 0, len(sums))
	for d := range sums {
		dates = append(dates, d)
	}
	slices.Sort(dates)
	fmt.Fprintln(w, "各日校验和（SHA-256）：")
	for _, d := range dates {
		fmt.Fprintf(w, "  %s  %s\n", d, sums[d])
	}
}

// dateList is "：a、b、c" (runs of consecutive dates as a–b), or "".
func dateList(dates []string) string {
	if len(dates) == 0 {
		return ""
	}
	var parts []string
	for i := 0; i < len(dates); {
		j := i
		for j+1 < len(dates) && nextDay(dates[j]) == dates[j+1] {
			j++
		}
		if j == i {
			parts = append(parts, dates[i])
		} else {
			parts = append(parts, dates[i]+" 至 "+dates[j])
		}
		i = j + 1
	}
	return "：" + strings.Join(parts, "、")
}

func nextDay(date string) string {
	t, err := sla.ParseDate(date)
	if err != nil {
		return ""
	}
	return t.AddDate(0, 0, 1).Format(time.DateOnly)
}
